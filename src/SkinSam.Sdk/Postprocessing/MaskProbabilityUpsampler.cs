using System.Buffers;
using System.Numerics.Tensors;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Turns a decoder's 256 x 256 low-resolution mask logits into foreground probabilities at the original
/// image size the way MedSAM's published inference does (<c>MedSAM_Inference.py</c>, <c>medsam_inference</c>):
/// <c>torch.sigmoid</c> on the 256 x 256 logits, then ONE
/// <c>F.interpolate(size=(h, w), mode="bilinear", align_corners=False)</c> of those probabilities straight to
/// the original size. The mask is then <c>probability &gt; 0.5</c>.
/// </summary>
/// <remarks>
/// <para>This is not SAM's route (<see cref="MaskLogitUpsampler.Upsample(ReadOnlySpan{float}, int, int, Span{float})"/>:
/// logits 256 to 1024, crop to the resized frame, then to the original size, threshold 0 on logits). The
/// order of sigmoid and resize matters: the sigmoid is not linear, so resizing probabilities and resizing
/// logits give different masks wherever neighbouring logits differ much (about 1 % of the pixels with
/// SAM-sized logits, more with large trained logits). There is no crop because MedSAM stretches the whole
/// image to 1024 x 1024.</para>
/// <para>Vectorised: <see cref="TensorPrimitives.Sigmoid(ReadOnlySpan{float}, Span{float})"/> over the 65,536
/// logits, then the separable bilinear kernel of <see cref="MaskLogitUpsampler.ResizeBilinear"/>. Scratch
/// memory is pooled, so a call allocates nothing once the pool is warm. Thread-safe. The result differs from
/// torch 1.13 only by float32 rounding (sigmoid and the interpolation weights); the golden tests hold masks
/// identical except where the probability lies within 1e-3 of 0.5.</para>
/// </remarks>
public static class MaskProbabilityUpsampler
{
    private const int LowResolutionCount = MaskLogitUpsampler.LowResolutionSize * MaskLogitUpsampler.LowResolutionSize;

    /// <summary>
    /// Writes <c>sigmoid</c> of <paramref name="lowResolutionLogits"/>, bilinearly resized once to
    /// <paramref name="originalWidth"/> x <paramref name="originalHeight"/>, into <paramref name="destination"/>.
    /// </summary>
    /// <param name="lowResolutionLogits">65,536 logits, row-major (one mask of the decoder's <c>low_res_masks</c>).</param>
    /// <param name="originalWidth">Width of the original image, at least 1.</param>
    /// <param name="originalHeight">Height of the original image, at least 1.</param>
    /// <param name="destination">Receives <c>originalWidth * originalHeight</c> probabilities in [0, 1], row-major; must not overlap the logits.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or the spans overlap.</exception>
    public static void Upsample(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, Span<float> destination)
    {
        if (lowResolutionLogits.Length != LowResolutionCount)
        {
            throw new ArgumentException(
                $"Expected {LowResolutionCount} low-resolution logits ({MaskLogitUpsampler.LowResolutionSize} x {MaskLogitUpsampler.LowResolutionSize}); got {lowResolutionLogits.Length}.", nameof(lowResolutionLogits));
        }

        if (lowResolutionLogits.Overlaps(destination))
        {
            throw new ArgumentException("Expected a destination that does not overlap the logits; got overlapping spans.", nameof(destination));
        }

        float[] probabilities = ArrayPool<float>.Shared.Rent(LowResolutionCount);
        try
        {
            Span<float> p = probabilities.AsSpan(0, LowResolutionCount);
            TensorPrimitives.Sigmoid(lowResolutionLogits, p);
            MaskLogitUpsampler.ResizeBilinear(
                p, MaskLogitUpsampler.LowResolutionSize, MaskLogitUpsampler.LowResolutionSize, destination, originalWidth, originalHeight);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(probabilities);
        }
    }

    /// <summary>
    /// Upsamples like <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/>, with bit-identical values,
    /// but hands the probabilities to <paramref name="sink"/> in blocks of rows: no original-size float plane is allocated.
    /// </summary>
    internal static void UpsampleStreaming<TSink>(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, ref TSink sink)
        where TSink : IRowBlockSink, allows ref struct
    {
        if (lowResolutionLogits.Length != LowResolutionCount)
        {
            throw new ArgumentException(
                $"Expected {LowResolutionCount} low-resolution logits ({MaskLogitUpsampler.LowResolutionSize} x {MaskLogitUpsampler.LowResolutionSize}); got {lowResolutionLogits.Length}.", nameof(lowResolutionLogits));
        }

        float[] probabilities = ArrayPool<float>.Shared.Rent(LowResolutionCount);
        try
        {
            Span<float> p = probabilities.AsSpan(0, LowResolutionCount);
            TensorPrimitives.Sigmoid(lowResolutionLogits, p);
            MaskLogitUpsampler.ResizeBilinearStreaming(
                p, MaskLogitUpsampler.LowResolutionSize, MaskLogitUpsampler.LowResolutionSize, originalWidth, originalHeight, ref sink);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(probabilities);
        }
    }

    /// <summary>Upsamples like <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/> into a new array.</summary>
    /// <param name="lowResolutionLogits">65,536 logits, row-major.</param>
    /// <param name="originalWidth">Width of the original image, at least 1.</param>
    /// <param name="originalHeight">Height of the original image, at least 1.</param>
    /// <returns><c>originalWidth * originalHeight</c> probabilities, row-major.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The logits are not 65,536 values.</exception>
    public static float[] Upsample(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(originalWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalHeight, 1);
        long count = (long)originalWidth * originalHeight;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(originalWidth), $"Expected at most {Array.MaxLength} output values; got {originalWidth}x{originalHeight}.");
        }

        var result = new float[count];
        Upsample(lowResolutionLogits, originalWidth, originalHeight, result);
        return result;
    }

    /// <summary>
    /// The probability thresholds that correspond to logit thresholds: <c>sigmoid(t)</c> in double, rounded to
    /// float32. <c>p &gt; sigmoid(t)</c> is <c>logit(p) &gt; t</c>, so a mask threshold and a stability offset
    /// stated in logits keep their meaning on probabilities; <c>sigmoid(0)</c> is exactly 0.5.
    /// </summary>
    /// <param name="logit">A finite logit threshold.</param>
    /// <returns>The probability threshold.</returns>
    internal static float ProbabilityOf(double logit) => (float)(1.0 / (1.0 + Math.Exp(-logit)));
}
