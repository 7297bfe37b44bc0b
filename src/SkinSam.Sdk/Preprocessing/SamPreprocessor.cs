using System.Buffers;
using System.Numerics.Tensors;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Turns an image into the input of a SAM image encoder exactly as the reference implementation does
/// (<see cref="PreprocessingProfile.Sam"/>): long side resized to the target with Pillow's bilinear filter,
/// each channel normalised on the 0..255 scale, zero padding at the bottom and right, NCHW float32.
/// </summary>
/// <remarks>
/// Stateless and safe to use from many threads at once. Intermediate buffers are pooled, so a steady-state
/// call allocates nothing.
/// </remarks>
public sealed class SamPreprocessor
{
    /// <summary>The encoder input size of every SAM v1 model: 1024.</summary>
    public const int DefaultTargetSize = Onnx.SamContract.FrameSize;

    /// <summary>Creates a preprocessor for a square encoder input of <paramref name="targetSize"/> pixels.</summary>
    /// <param name="targetSize">Side of the encoder input, 1 to <see cref="ImageBuffer.MaxDimension"/>; 1024 for SAM v1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSize"/> is out of range.</exception>
    public SamPreprocessor(int targetSize = DefaultTargetSize)
    {
        TargetSize = PreprocessorArguments.TargetSize(targetSize);
    }

    /// <summary>Side of the square encoder input in pixels.</summary>
    public int TargetSize { get; }

    /// <summary>Floats in the NCHW tensor <see cref="Preprocess"/> writes: <c>3 * TargetSize * TargetSize</c>.</summary>
    public int TensorLength => 3 * TargetSize * TargetSize;

    /// <summary>
    /// The size SAM resizes a <paramref name="width"/> x <paramref name="height"/> image to:
    /// <c>scale = target / max(h, w)</c>, each side <c>int(side * scale + 0.5)</c> in double precision, as
    /// <c>ResizeLongestSide.get_preprocess_shape</c> computes it.
    /// </summary>
    /// <param name="width">Image width, at least 1.</param>
    /// <param name="height">Image height, at least 1.</param>
    /// <param name="target">Length of the long side after resizing, at least 1.</param>
    /// <returns>The resized width and height; the long side equals <paramref name="target"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The aspect ratio is beyond 2 * <paramref name="target"/> : 1, so the short side would resize to 0 pixels.</exception>
    public static (int Width, int Height) GetResizedSize(int width, int height, int target = DefaultTargetSize)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Expected a width of at least 1 pixel; got {width}.");
        }

        if (height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"Expected a height of at least 1 pixel; got {height}.");
        }

        if (target < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, $"Expected a target size of at least 1 pixel; got {target}.");
        }

        double scale = target * 1.0 / Math.Max(height, width);
        int newHeight = (int)((height * scale) + 0.5);
        int newWidth = (int)((width * scale) + 0.5);

        // A short side that rounds to 0 (aspect ratios beyond 2 * target : 1) leaves the model no row or column of the
        // image to see, and SAM's decoder graph crops its masks to that empty frame: an input error, not a model one.
        if (newWidth < 1 || newHeight < 1)
        {
            bool wide = width > height;
            throw new ArgumentException(
                $"Expected an image whose short side is at least 1 pixel after resizing the long side to {target} (an aspect ratio of at most {2 * target}:1); got {width}x{height}, whose {(wide ? "height" : "width")} resizes to {(wide ? height : width) * scale:0.####} pixels.",
                wide ? nameof(height) : nameof(width));
        }

        return (newWidth, newHeight);
    }

    /// <summary>
    /// Writes the encoder input for <paramref name="image"/>: NCHW float32 [1, 3, TargetSize, TargetSize],
    /// red, green, blue planes; the resized image in the top-left corner, zeros elsewhere.
    /// </summary>
    /// <param name="image">Any pixel format; non-RGB formats are converted to RGB first.</param>
    /// <param name="destination">Exactly <see cref="TensorLength"/> floats.</param>
    /// <exception cref="ArgumentException">The image is empty, its aspect ratio is beyond 2 * TargetSize : 1, or the destination has the wrong length.</exception>
    public void Preprocess(ImageBuffer image, Span<float> destination)
    {
        CheckImage(image);
        int t = TargetSize;
        int plane = t * t;
        PreprocessorArguments.CheckNchwDestination(t, destination);

        (int width, int height) = GetResizedSize(image.Width, image.Height, t);
        byte[]? converted = null;
        byte[] row = ArrayPool<byte>.Shared.Rent(width * 3);
        try
        {
            ReadOnlySpan<byte> rgb = AsPackedRgb24(image, ref converted);
            var sink = new NormalizedPlaneRows(row.AsSpan(0, width * 3), destination, width, t);
            PilBilinearResize.ResizeRows(rgb, image.Width, image.Height, width, height, 3, ref sink);
            if (height < t)
            {
                destination[(height * t)..plane].Clear();
                destination[(plane + (height * t))..(2 * plane)].Clear();
                destination[((2 * plane) + (height * t))..].Clear();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    /// <summary>
    /// Writes the input of the alternative encoder export whose input <c>input_image</c> is float32
    /// [H', W', 3]: the image resized like <see cref="Preprocess"/> (long side <see cref="TargetSize"/>),
    /// RGB on the 0..255 scale, neither normalised nor padded (the graph does both).
    /// </summary>
    /// <param name="image">Any pixel format; non-RGB formats are converted to RGB first.</param>
    /// <param name="destination">At least <c>H' * W' * 3</c> floats (see <see cref="GetResizedSize"/>); only that many are written.</param>
    /// <param name="width">The resized width W'.</param>
    /// <param name="height">The resized height H'.</param>
    /// <exception cref="ArgumentException">The image is empty or the destination is too short.</exception>
    public void PreprocessHwc(ImageBuffer image, Span<float> destination, out int width, out int height)
    {
        CheckImage(image);
        (width, height) = GetResizedSize(image.Width, image.Height, TargetSize);
        int needed = width * height * 3;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"Expected a destination of at least {height} x {width} x 3 = {needed} floats; got {destination.Length}.", nameof(destination));
        }

        byte[]? converted = null;
        byte[] row = ArrayPool<byte>.Shared.Rent(width * 3);
        try
        {
            ReadOnlySpan<byte> rgb = AsPackedRgb24(image, ref converted);
            var sink = new FloatRows(row.AsSpan(0, width * 3), destination[..needed], width * 3);
            PilBilinearResize.ResizeRows(rgb, image.Width, image.Height, width, height, 3, ref sink);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    private static void CheckImage(ImageBuffer image)
    {
        PreprocessorArguments.ThrowIfEmpty(image);

        long rgbBytes = (long)image.Width * image.Height * 3;
        if (rgbBytes > Array.MaxLength)
        {
            throw new ArgumentException($"Expected an image of at most {Array.MaxLength} bytes as RGB24; got {image.Width} x {image.Height} = {rgbBytes} bytes.", nameof(image));
        }
    }

    /// <summary>
    /// The image as tightly packed RGB24: the caller's pixels when they already are, else a pooled
    /// conversion returned through <paramref name="converted"/>.
    /// </summary>
    private static ReadOnlySpan<byte> AsPackedRgb24(ImageBuffer image, ref byte[]? converted)
    {
        int bytes = image.Width * image.Height * 3;
        if (image.Format == PixelFormat.Rgb24 && image.Stride == image.Width * 3)
        {
            return image.Pixels.Span[..bytes];
        }

        converted = ArrayPool<byte>.Shared.Rent(bytes);
        image.CopyToRgb24(converted.AsSpan(0, bytes));
        return converted.AsSpan(0, bytes);
    }

    /// <summary>
    /// Takes each resized RGB row while it is in cache and writes it, normalised, into the three planes of
    /// the NCHW tensor with the right-hand padding zeroed: normalise, pad and change layout in one pass.
    /// </summary>
    private ref struct NormalizedPlaneRows(Span<byte> row, Span<float> tensor, int width, int side) : IResizedRowSink
    {
        private readonly Span<byte> _row = row;
        private readonly Span<float> _tensor = tensor;

        public readonly Span<byte> GetRow(int y) => _row;

        public readonly void RowDone(int y)
        {
            int plane = side * side;
            int o = y * side;
            Span<float> red = _tensor.Slice(o, side);
            Span<float> green = _tensor.Slice(plane + o, side);
            Span<float> blue = _tensor.Slice((2 * plane) + o, side);
            SamNormalization.NormalizeRow(_row, red, green, blue);
            if (width < side)
            {
                red[width..].Clear();
                green[width..].Clear();
                blue[width..].Clear();
            }
        }
    }

    /// <summary>Converts each resized row to float32 0..255 in an HWC tensor.</summary>
    private ref struct FloatRows(Span<byte> row, Span<float> tensor, int rowLength) : IResizedRowSink
    {
        private readonly Span<byte> _row = row;
        private readonly Span<float> _tensor = tensor;

        public readonly Span<byte> GetRow(int y) => _row;

        public readonly void RowDone(int y) => TensorPrimitives.ConvertChecked<byte, float>(_row, _tensor.Slice(y * rowLength, rowLength));
    }
}
