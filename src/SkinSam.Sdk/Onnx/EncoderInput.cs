namespace SkinSam.Sdk.Onnx;

/// <summary>What a <see cref="ModelProfile"/> wrote as the encoder input, and the image's size in the model's frame.</summary>
/// <param name="Shape">The tensor shape to feed.</param>
/// <param name="Length">Floats written (the tensor's element count).</param>
/// <param name="FrameWidth">Width of the image inside the model's 1024 frame (the resized width).</param>
/// <param name="FrameHeight">Height of the image inside the model's 1024 frame.</param>
internal readonly record struct EncoderInput(long[] Shape, int Length, int FrameWidth, int FrameHeight);
