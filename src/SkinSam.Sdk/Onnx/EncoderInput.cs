using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Onnx;

/// <summary>What a <see cref="ModelProfile"/> wrote as the encoder input, and the image's frame.</summary>
/// <param name="Shape">The tensor shape to feed.</param>
/// <param name="Length">Floats written (the tensor's element count).</param>
/// <param name="Frame">The image's geometry in the model's frame (what the embedding carries).</param>
internal readonly record struct EncoderInput(long[] Shape, int Length, ImageFrame Frame);
