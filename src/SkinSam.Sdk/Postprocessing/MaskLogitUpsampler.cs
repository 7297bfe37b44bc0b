using System.Buffers;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Turns SAM's low-resolution mask logits (256 x 256) into logits at the original image size, as
/// <c>segment_anything</c>'s <c>Sam.postprocess_masks</c> does: bilinear to 1024 x 1024, crop to the
/// resized image (long side 1024), bilinear to the original size, both with
/// <c>F.interpolate(mode="bilinear", align_corners=False)</c>: the route of the SAM profile, thresholded at
/// logit 0. Also a general bilinear resize. The MedSAM profile's route (sigmoid, then one resize of the
/// probabilities to the original size) is <see cref="MaskProbabilityUpsampler"/>.
/// </summary>
/// <remarks>
/// <para><see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/> never builds the 1024 x 1024
/// intermediate: per axis it composes the two bilinear steps into one operator of four taps (source
/// index and weight products) and applies it directly to the 256 x 256 logits. The result differs from
/// PyTorch's two rounded steps only by float32 rounding (a few units in the last place; the tests hold
/// it within 1e-5 of torch 1.13 on logits up to about 46 in magnitude).
/// <see cref="UpsampleTwoStep(ReadOnlySpan{float}, int, int, Span{float})"/> keeps PyTorch's two steps
/// and its rounding, for bit-level comparisons with Python.</para>
/// <para>Scratch memory is pooled, so a call allocates nothing once the pool is warm. NaN or infinite
/// logits propagate to the outputs they touch. All methods are thread-safe.</para>
/// </remarks>
public static class MaskLogitUpsampler
{
    /// <summary>Side of SAM's low-resolution mask logits.</summary>
    public const int LowResolutionSize = Onnx.SamContract.LowResSide;

    /// <summary>Side of SAM's square encoder input, the frame of the intermediate upsampling.</summary>
    public const int InputSize = Onnx.SamContract.FrameSize;

    private const int LowResolutionCount = LowResolutionSize * LowResolutionSize;

    /// <summary>Taps of the first step, 256 to 1024, shared by every call.</summary>
    private static readonly (int[] Index, float[] Weight) FirstStep = CreateFirstStep();

    /// <summary>
    /// Upsamples 256 x 256 low-resolution logits to <paramref name="originalWidth"/> x
    /// <paramref name="originalHeight"/> logits, matching SAM's <c>postprocess_masks</c>.
    /// </summary>
    /// <param name="lowResolutionLogits">65,536 logits, row-major (one mask of the decoder's <c>low_res_masks</c>).</param>
    /// <param name="originalWidth">Width of the original image, at least 1.</param>
    /// <param name="originalHeight">Height of the original image, at least 1.</param>
    /// <param name="destination">Receives <c>originalWidth * originalHeight</c> logits, row-major.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Upsample(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, Span<float> destination)
    {
        _ = Validate(lowResolutionLogits, originalWidth, originalHeight, destination.Length);
        using PooledTaps t = PooledTaps.Composed(originalWidth, originalHeight);
        SeparableResampler.Resample(
            lowResolutionLogits, LowResolutionSize, LowResolutionSize, LowResolutionSize,
            destination, originalWidth, originalHeight,
            t.XIndex, t.XWeight, t.XTaps, t.XIdentity,
            t.YIndex, t.YWeight, t.YTaps, t.YIdentity);
    }

    /// <summary>
    /// Upsamples like <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/>, with bit-identical values,
    /// but hands them to <paramref name="sink"/> in blocks of rows: no original-size float plane is allocated, which
    /// is how the decoder thresholds a 9000 x 9000 mask with a few megabytes of scratch.
    /// </summary>
    internal static void UpsampleStreaming<TSink>(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, ref TSink sink)
        where TSink : IRowBlockSink, allows ref struct
    {
        _ = Validate(lowResolutionLogits, originalWidth, originalHeight, null);
        using PooledTaps t = PooledTaps.Composed(originalWidth, originalHeight);
        SeparableResampler.ResampleStreaming(
            lowResolutionLogits, LowResolutionSize, LowResolutionSize, LowResolutionSize,
            originalWidth, originalHeight,
            t.XIndex, t.XWeight, t.XTaps, t.XIdentity,
            t.YIndex, t.YWeight, t.YTaps, t.YIdentity,
            ref sink);
    }

    /// <summary>
    /// <see cref="ResizeBilinear"/> of a 256 x 256 source, with bit-identical values, handed to <paramref name="sink"/>
    /// in blocks of rows instead of written to a destination (arguments already validated by the caller).
    /// </summary>
    internal static void ResizeBilinearStreaming<TSink>(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int destinationWidth, int destinationHeight, ref TSink sink)
        where TSink : IRowBlockSink, allows ref struct
    {
        _ = CheckedArea(sourceWidth, sourceHeight, nameof(sourceWidth), "a source");
        _ = CheckedArea(destinationWidth, destinationHeight, nameof(destinationWidth), "a destination");
        if (source.Length != sourceWidth * sourceHeight)
        {
            throw new ArgumentException($"Expected {sourceWidth * sourceHeight} source values for {sourceWidth}x{sourceHeight}; got {source.Length}.", nameof(source));
        }

        using PooledTaps t = PooledTaps.Bilinear(sourceWidth, sourceHeight, destinationWidth, destinationHeight);
        SeparableResampler.ResampleStreaming(
            source, sourceWidth, sourceHeight, sourceWidth,
            destinationWidth, destinationHeight,
            t.XIndex, t.XWeight, t.XTaps, t.XIdentity,
            t.YIndex, t.YWeight, t.YTaps, t.YIdentity,
            ref sink);
    }

    /// <summary>Upsamples like <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/> into a new array.</summary>
    /// <param name="lowResolutionLogits">65,536 logits, row-major.</param>
    /// <param name="originalWidth">Width of the original image, at least 1.</param>
    /// <param name="originalHeight">Height of the original image, at least 1.</param>
    /// <returns><c>originalWidth * originalHeight</c> logits, row-major.</returns>
    public static float[] Upsample(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight)
    {
        int count = Validate(lowResolutionLogits, originalWidth, originalHeight, null);
        var result = new float[count];
        Upsample(lowResolutionLogits, originalWidth, originalHeight, result);
        return result;
    }

    /// <summary>
    /// Resizes a single-channel float image with PyTorch's
    /// <c>F.interpolate(mode="bilinear", align_corners=False)</c> semantics for an explicit output size
    /// (no antialiasing). Works on any values. It is the one resize of MedSAM's postprocessing when applied to
    /// the sigmoid <em>probabilities</em> of the 256 x 256 logits, not to the logits themselves (the sigmoid is not
    /// linear, so the two orders give different masks): <see cref="MaskProbabilityUpsampler"/> does exactly that.
    /// </summary>
    /// <param name="source">Row-major source values.</param>
    /// <param name="sourceWidth">Source width, at least 1.</param>
    /// <param name="sourceHeight">Source height, at least 1.</param>
    /// <param name="destination">Receives <c>destinationWidth * destinationHeight</c> values, row-major; must not overlap <paramref name="source"/>.</param>
    /// <param name="destinationWidth">Destination width, at least 1.</param>
    /// <param name="destinationHeight">Destination height, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or the spans overlap.</exception>
    public static void ResizeBilinear(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination, int destinationWidth, int destinationHeight)
    {
        int sourceCount = CheckedArea(sourceWidth, sourceHeight, nameof(sourceWidth), "a source");
        int destinationCount = CheckedArea(destinationWidth, destinationHeight, nameof(destinationWidth), "a destination");
        if (source.Length != sourceCount)
        {
            throw new ArgumentException($"Expected {sourceCount} source values for {sourceWidth}x{sourceHeight}; got {source.Length}.", nameof(source));
        }

        if (destination.Length != destinationCount)
        {
            throw new ArgumentException($"Expected {destinationCount} destination values for {destinationWidth}x{destinationHeight}; got {destination.Length}.", nameof(destination));
        }

        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Expected a destination that does not overlap the source; got overlapping spans.", nameof(destination));
        }

        ResizeCore(source, sourceWidth, sourceHeight, sourceWidth, destination, destinationWidth, destinationHeight);
    }

    /// <summary>
    /// The reference two-step form of <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/>:
    /// materialises the 1024 x 1024 intermediate as PyTorch does, crops it, and resizes it. Its output
    /// is bit-identical to torch 1.13's CPU <c>postprocess_masks</c> on a multi-mask tensor (K &gt;= 2, as
    /// SAM's multimask output), and within a float32 ulp or so of a single-mask tensor, which torch
    /// sends through a different kernel. About ten times slower than the fused form.
    /// </summary>
    /// <param name="lowResolutionLogits">65,536 logits, row-major.</param>
    /// <param name="originalWidth">Width of the original image, at least 1.</param>
    /// <param name="originalHeight">Height of the original image, at least 1.</param>
    /// <param name="destination">Receives <c>originalWidth * originalHeight</c> logits, row-major.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void UpsampleTwoStep(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, Span<float> destination)
    {
        _ = Validate(lowResolutionLogits, originalWidth, originalHeight, destination.Length);
        (int resizedWidth, int resizedHeight) = Preprocessing.SamPreprocessor.GetResizedSize(originalWidth, originalHeight, InputSize);
        float[] intermediate = ArrayPool<float>.Shared.Rent(InputSize * InputSize);
        try
        {
            Span<float> full = intermediate.AsSpan(0, InputSize * InputSize);
            ResizeCore(lowResolutionLogits, LowResolutionSize, LowResolutionSize, LowResolutionSize, full, InputSize, InputSize);
            ReadOnlySpan<float> cropped = full[..(((resizedHeight - 1) * InputSize) + resizedWidth)];
            ResizeCore(cropped, resizedWidth, resizedHeight, InputSize, destination, originalWidth, originalHeight);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(intermediate);
        }
    }

    /// <summary>
    /// SAM's <c>postprocess_masks</c> for a model whose frame (<c>inputSize</c>) is <paramref name="frameSide"/>:
    /// 256 to <paramref name="frameSide"/> (no step when the frame is 256), crop to the resized image, one resize to
    /// the original size, as the exporter's graph for that frame does. A frame of 1024 is
    /// <see cref="Upsample(ReadOnlySpan{float}, int, int, Span{float})"/> itself.
    /// </summary>
    internal static void UpsampleThroughFrame(ReadOnlySpan<float> lowResolutionLogits, int frameSide, int originalWidth, int originalHeight, Span<float> destination)
    {
        if (frameSide == InputSize)
        {
            Upsample(lowResolutionLogits, originalWidth, originalHeight, destination);
            return;
        }

        _ = Validate(lowResolutionLogits, originalWidth, originalHeight, destination.Length);
        float[]? rented = null;
        try
        {
            ReadOnlySpan<float> cropped = CropOfFrame(lowResolutionLogits, frameSide, originalWidth, originalHeight, ref rented, out int width, out int height, out int stride);
            ResizeCore(cropped, width, height, stride, destination, originalWidth, originalHeight);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary><see cref="UpsampleThroughFrame"/> with the values handed to <paramref name="sink"/> in blocks of rows.</summary>
    internal static void UpsampleThroughFrameStreaming<TSink>(ReadOnlySpan<float> lowResolutionLogits, int frameSide, int originalWidth, int originalHeight, ref TSink sink)
        where TSink : IRowBlockSink, allows ref struct
    {
        if (frameSide == InputSize)
        {
            UpsampleStreaming(lowResolutionLogits, originalWidth, originalHeight, ref sink);
            return;
        }

        _ = Validate(lowResolutionLogits, originalWidth, originalHeight, null);
        float[]? rented = null;
        try
        {
            ReadOnlySpan<float> cropped = CropOfFrame(lowResolutionLogits, frameSide, originalWidth, originalHeight, ref rented, out int width, out int height, out int stride);
            using PooledTaps t = PooledTaps.Bilinear(width, height, originalWidth, originalHeight);
            SeparableResampler.ResampleStreaming(
                cropped, width, height, stride,
                originalWidth, originalHeight,
                t.XIndex, t.XWeight, t.XTaps, t.XIdentity,
                t.YIndex, t.YWeight, t.YTaps, t.YIdentity,
                ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    // The resized image's part of the frame: the low-res logits themselves for a 256 frame, else their bilinear
    // resize to frameSide x frameSide (rented); as a span with its row stride.
    private static ReadOnlySpan<float> CropOfFrame(ReadOnlySpan<float> lowResolutionLogits, int frameSide, int originalWidth, int originalHeight, scoped ref float[]? rented, out int width, out int height, out int stride)
    {
        if (frameSide < LowResolutionSize || frameSide > InputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(frameSide), frameSide, $"Expected a frame side from {LowResolutionSize} to {InputSize}; got {frameSide}.");
        }

        (int resizedWidth, int resizedHeight) = Preprocessing.SamPreprocessor.GetResizedSize(originalWidth, originalHeight, frameSide);
        ReadOnlySpan<float> frame = lowResolutionLogits;
        if (frameSide != LowResolutionSize)
        {
            rented = ArrayPool<float>.Shared.Rent(frameSide * frameSide);
            Span<float> full = rented.AsSpan(0, frameSide * frameSide);
            ResizeCore(lowResolutionLogits, LowResolutionSize, LowResolutionSize, LowResolutionSize, full, frameSide, frameSide);
            frame = full;
        }

        width = resizedWidth;
        height = resizedHeight;
        stride = frameSide;
        return frame[..(((resizedHeight - 1) * frameSide) + resizedWidth)];
    }

    private static void ResizeCore(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int sourceStride, Span<float> destination, int destinationWidth, int destinationHeight)
    {
        using PooledTaps t = PooledTaps.Bilinear(sourceWidth, sourceHeight, destinationWidth, destinationHeight);
        SeparableResampler.Resample(
            source, sourceWidth, sourceHeight, sourceStride,
            destination, destinationWidth, destinationHeight,
            t.XIndex, t.XWeight, t.XTaps, t.XIdentity,
            t.YIndex, t.YWeight, t.YTaps, t.YIdentity);
    }

    /// <summary>
    /// Composes, for one axis, 256 to 1024 (first step), crop to <paramref name="resizedSize"/>, and
    /// <paramref name="resizedSize"/> to <paramref name="originalSize"/> (second step) into taps on the
    /// 256 low-resolution positions. Returns the number of taps per output: 2 when the second step is
    /// PyTorch's plain copy (equal sizes), else 4.
    /// </summary>
    private static int FillComposedTaps(int originalSize, int resizedSize, Span<int> index, Span<float> weight)
    {
        (int[] firstIndex, float[] firstWeight) = FirstStep;
        if (BilinearAxis.IsIdentity(resizedSize, originalSize))
        {
            firstIndex.AsSpan(0, 2 * originalSize).CopyTo(index);
            firstWeight.AsSpan(0, 2 * originalSize).CopyTo(weight);
            return 2;
        }

        // The second step's taps go to the upper half of the buffers first; the composition reads
        // output o's second-step taps (at 2o, 2o + 1 of that half) before writing 4o..4o + 3 below it.
        Span<int> secondIndex = index.Slice(2 * originalSize, 2 * originalSize);
        Span<float> secondWeight = weight.Slice(2 * originalSize, 2 * originalSize);
        BilinearAxis.FillTwoTaps(resizedSize, originalSize, secondIndex, secondWeight);
        for (int o = 0; o < originalSize; o++)
        {
            int r0 = secondIndex[2 * o];
            int r1 = secondIndex[(2 * o) + 1];
            float u0 = secondWeight[2 * o];
            float u1 = secondWeight[(2 * o) + 1];
            index[4 * o] = firstIndex[2 * r0];
            index[(4 * o) + 1] = firstIndex[(2 * r0) + 1];
            index[(4 * o) + 2] = firstIndex[2 * r1];
            index[(4 * o) + 3] = firstIndex[(2 * r1) + 1];
            weight[4 * o] = u0 * firstWeight[2 * r0];
            weight[(4 * o) + 1] = u0 * firstWeight[(2 * r0) + 1];
            weight[(4 * o) + 2] = u1 * firstWeight[2 * r1];
            weight[(4 * o) + 3] = u1 * firstWeight[(2 * r1) + 1];
        }

        return 4;
    }

    private static (int[] Index, float[] Weight) CreateFirstStep()
    {
        var index = new int[2 * InputSize];
        var weight = new float[2 * InputSize];
        BilinearAxis.FillTwoTaps(LowResolutionSize, InputSize, index, weight);
        return (index, weight);
    }

    private static int Validate(ReadOnlySpan<float> lowResolutionLogits, int originalWidth, int originalHeight, int? destinationLength)
    {
        if (lowResolutionLogits.Length != LowResolutionCount)
        {
            throw new ArgumentException(
                $"Expected {LowResolutionCount} low-resolution logits ({LowResolutionSize}x{LowResolutionSize}); got {lowResolutionLogits.Length}.",
                nameof(lowResolutionLogits));
        }

        int count = CheckedArea(originalWidth, originalHeight, nameof(originalWidth), "an original image");
        if (destinationLength is int length && length != count)
        {
            throw new ArgumentException($"Expected a destination of {count} values for {originalWidth}x{originalHeight}; got {length}.", "destination");
        }

        return count;
    }

    private static int CheckedArea(int width, int height, string parameterName, string what)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, $"Expected {what} size of at least 1x1; got {width}x{height}.");
        }

        long area = (long)width * height;
        if (area > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(parameterName, $"Expected {what} of at most {Array.MaxLength} values; got {width}x{height}.");
        }

        return (int)area;
    }

    /// <summary>
    /// The tap tables of one separable resize, rented from the shared pool and returned on <see cref="Dispose"/>: per
    /// axis the source indices and weights of every output (<see cref="XTaps"/> / <see cref="YTaps"/> per output),
    /// and whether the axis is PyTorch's plain copy.
    /// </summary>
    private readonly struct PooledTaps : IDisposable
    {
        private PooledTaps(int taps, int width, int height)
        {
            XIndex = ArrayPool<int>.Shared.Rent(taps * width);
            XWeight = ArrayPool<float>.Shared.Rent(taps * width);
            YIndex = ArrayPool<int>.Shared.Rent(taps * height);
            YWeight = ArrayPool<float>.Shared.Rent(taps * height);
        }

        public int[] XIndex { get; }

        public float[] XWeight { get; }

        public int[] YIndex { get; }

        public float[] YWeight { get; }

        public int XTaps { get; private init; }

        public int YTaps { get; private init; }

        public bool XIdentity { get; private init; }

        public bool YIdentity { get; private init; }

        /// <summary>SAM's two steps (256 to 1024, crop to the resized image, to the original size) as one operator per axis.</summary>
        public static PooledTaps Composed(int originalWidth, int originalHeight)
        {
            (int resizedWidth, int resizedHeight) = Preprocessing.SamPreprocessor.GetResizedSize(originalWidth, originalHeight, InputSize);
            var taps = new PooledTaps(4, originalWidth, originalHeight);
            return taps with
            {
                XTaps = FillComposedTaps(originalWidth, resizedWidth, taps.XIndex, taps.XWeight),
                YTaps = FillComposedTaps(originalHeight, resizedHeight, taps.YIndex, taps.YWeight),
            };
        }

        /// <summary>One bilinear resize (two taps per output).</summary>
        public static PooledTaps Bilinear(int sourceWidth, int sourceHeight, int destinationWidth, int destinationHeight)
        {
            var taps = new PooledTaps(2, destinationWidth, destinationHeight);
            BilinearAxis.FillTwoTaps(sourceWidth, destinationWidth, taps.XIndex, taps.XWeight);
            BilinearAxis.FillTwoTaps(sourceHeight, destinationHeight, taps.YIndex, taps.YWeight);
            return taps with
            {
                XTaps = 2,
                YTaps = 2,
                XIdentity = BilinearAxis.IsIdentity(sourceWidth, destinationWidth),
                YIdentity = BilinearAxis.IsIdentity(sourceHeight, destinationHeight),
            };
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(XIndex);
            ArrayPool<float>.Shared.Return(XWeight);
            ArrayPool<int>.Shared.Return(YIndex);
            ArrayPool<float>.Shared.Return(YWeight);
        }
    }
}
