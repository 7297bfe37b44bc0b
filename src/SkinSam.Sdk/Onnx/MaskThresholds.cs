namespace SkinSam.Sdk.Onnx;

/// <summary>Thresholds on the values a mask is made from (logits or probabilities, per <see cref="ModelProfile"/>).</summary>
/// <param name="Mask">Foreground is <c>value &gt; Mask</c>.</param>
/// <param name="StabilityLow">The stability score's union counts <c>value &gt; StabilityLow</c>.</param>
/// <param name="StabilityHigh">The stability score's intersection counts <c>value &gt; StabilityHigh</c>.</param>
internal readonly record struct MaskThresholds(float Mask, float StabilityLow, float StabilityHigh);
