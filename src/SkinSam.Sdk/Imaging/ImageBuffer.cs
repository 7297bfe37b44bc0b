namespace SkinSam.Sdk.Imaging;

/// <summary>
/// An image as a pixel buffer in caller memory: width, height, row stride and pixel format.
/// The buffer is wrapped, never copied; the caller keeps it alive and unchanged while the SDK reads it.
/// </summary>
/// <remarks>
/// Rows are laid top to bottom, <see cref="Stride"/> bytes apart; the last row needs only
/// <c>Width * BytesPerPixel</c> bytes, so a view into a larger buffer works.
/// </remarks>
public readonly struct ImageBuffer
{
    /// <summary>The largest width or height accepted, in pixels.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Wraps <paramref name="pixels"/> as an image.</summary>
    /// <param name="pixels">The pixel bytes, first row first.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="format">The layout of one pixel.</param>
    /// <param name="stride">Bytes from the start of one row to the next; 0 means tightly packed (<c>width * BytesPerPixel</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero, negative or above <see cref="MaxDimension"/>, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException">The buffer is shorter than the image it should hold.</exception>
    public ImageBuffer(ReadOnlyMemory<byte> pixels, int width, int height, PixelFormat format, int stride = 0)
    {
        if (width < 1 || width > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Expected an image width of 1 to {MaxDimension} pixels; got {width}.");
        }

        if (height < 1 || height > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"Expected an image height of 1 to {MaxDimension} pixels; got {height}.");
        }

        int bpp = format.BytesPerPixel();
        long rowBytes = (long)width * bpp;
        if (stride == 0)
        {
            stride = checked((int)rowBytes);
        }
        else if (stride < rowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"Expected a stride of at least {rowBytes} bytes ({width} pixels of {format}, {bpp} bytes each); got {stride}.");
        }

        long needed = ((long)stride * (height - 1)) + rowBytes;
        if (pixels.Length < needed)
        {
            throw new ArgumentException($"Expected at least {needed} bytes for a {width}x{height} {format} image with stride {stride}; got {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
        Format = format;
        Stride = stride;
    }

    /// <summary>The wrapped pixel bytes.</summary>
    public ReadOnlyMemory<byte> Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The layout of one pixel.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes from the start of one row to the start of the next.</summary>
    public int Stride { get; }

    /// <summary>Bytes per pixel of <see cref="Format"/>.</summary>
    public int BytesPerPixel => Format.BytesPerPixel();

    /// <summary>True for the default value, which wraps no image.</summary>
    public bool IsEmpty => Width == 0;

    /// <summary>The bytes of row <paramref name="y"/>, exactly <c>Width * BytesPerPixel</c> long.</summary>
    /// <param name="y">Row index, 0 at the top.</param>
    /// <returns>A read-only view of the row.</returns>
    public ReadOnlySpan<byte> GetRow(int y)
    {
        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Expected a row index of 0 to {Height - 1}; got {y}.");
        }

        return Pixels.Span.Slice(y * Stride, Width * BytesPerPixel);
    }

    /// <summary>Wraps a tightly packed RGB24 buffer.</summary>
    /// <param name="pixels">Width * height * 3 bytes, red-green-blue.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The wrapping image.</returns>
    public static ImageBuffer FromRgb24(ReadOnlyMemory<byte> pixels, int width, int height) => new(pixels, width, height, PixelFormat.Rgb24);

    /// <summary>Copies this image into a new tightly packed RGB24 array (red, green, blue per pixel).</summary>
    /// <returns>A new array of <c>Width * Height * 3</c> bytes.</returns>
    public byte[] ToRgb24Array()
    {
        var result = new byte[Width * Height * 3];
        CopyToRgb24(result);
        return result;
    }

    /// <summary>Converts this image into tightly packed RGB24 in <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <c>Width * Height * 3</c> bytes.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void CopyToRgb24(Span<byte> destination)
    {
        int needed = Width * Height * 3;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"Expected a destination of at least {needed} bytes for {Width}x{Height} RGB24; got {destination.Length}.", nameof(destination));
        }

        ReadOnlySpan<byte> src = Pixels.Span;
        int rowOut = Width * 3;
        for (int y = 0; y < Height; y++)
        {
            ReadOnlySpan<byte> row = src.Slice(y * Stride, Width * BytesPerPixel);
            Span<byte> dst = destination.Slice(y * rowOut, rowOut);
            switch (Format)
            {
                case PixelFormat.Rgb24:
                    row.CopyTo(dst);
                    break;
                case PixelFormat.Bgr24:
                    for (int x = 0, i = 0; x < Width; x++, i += 3)
                    {
                        dst[i] = row[i + 2];
                        dst[i + 1] = row[i + 1];
                        dst[i + 2] = row[i];
                    }

                    break;
                case PixelFormat.Rgba32:
                    for (int x = 0; x < Width; x++)
                    {
                        dst[(x * 3) + 0] = row[(x * 4) + 0];
                        dst[(x * 3) + 1] = row[(x * 4) + 1];
                        dst[(x * 3) + 2] = row[(x * 4) + 2];
                    }

                    break;
                case PixelFormat.Bgra32:
                    for (int x = 0; x < Width; x++)
                    {
                        dst[(x * 3) + 0] = row[(x * 4) + 2];
                        dst[(x * 3) + 1] = row[(x * 4) + 1];
                        dst[(x * 3) + 2] = row[(x * 4) + 0];
                    }

                    break;
                case PixelFormat.Gray8:
                    for (int x = 0; x < Width; x++)
                    {
                        byte v = row[x];
                        dst[(x * 3) + 0] = v;
                        dst[(x * 3) + 1] = v;
                        dst[(x * 3) + 2] = v;
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unsupported pixel format {Format}.");
            }
        }
    }
}
