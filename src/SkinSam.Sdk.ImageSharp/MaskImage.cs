using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.ImageSharp;

/// <summary>Writes masks as 8-bit PNG (0 background, 255 lesion) and overlays (tint and outline on the image), and reads mask files.</summary>
public static class MaskImage
{
    private static readonly PngEncoder MaskEncoder = new() { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };

    // An overlay is a photograph: at the default level (6) zlib's match search was a quarter of the CPU time of
    // `skinsam segment` over 200 HAM images. The fastest level writes the same pixels into a somewhat larger file.
    private static readonly PngEncoder OverlayEncoder = new() { CompressionLevel = PngCompressionLevel.BestSpeed };

    /// <summary>Writes a mask as an 8-bit grayscale PNG, 0 and 255, atomically.</summary>
    /// <param name="mask">The mask.</param>
    /// <param name="path">The destination file.</param>
    /// <exception cref="OutputPathException">The destination exists and is not a regular file (device, pipe, socket, directory, symbolic link); it is left as it is.</exception>
    public static void SavePng(BinaryMask mask, string path)
    {
        ArgumentNullException.ThrowIfNull(mask);
        byte[] bytes = mask.ToBytes(255);
        using Image<L8> image = Image.LoadPixelData<L8>(bytes, mask.Width, mask.Height);
        AtomicFile.Write(path, s => image.Save(s, MaskEncoder));
    }

    /// <summary>Writes a mask as an 8-bit grayscale PNG, 0 and 255, to a stream (e.g. an HTTP response body through a buffer).</summary>
    /// <param name="mask">The mask.</param>
    /// <param name="destination">A writable stream; left open, positioned after the PNG.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    public static void WritePng(BinaryMask mask, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream; got one that cannot be written.", nameof(destination));
        }

        using Image<L8> image = Image.LoadPixelData<L8>(mask.ToBytes(255), mask.Width, mask.Height);
        image.Save(destination, MaskEncoder);
    }

    /// <summary>Writes a mask as an 8-bit grayscale PNG asynchronously, for streams that refuse synchronous writes (Kestrel's response body): encoded in memory (a mask PNG compresses to a small fraction of its pixels), then copied with asynchronous writes only.</summary>
    /// <param name="mask">The mask.</param>
    /// <param name="destination">A writable stream; left open.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the PNG is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    public static async Task WritePngAsync(BinaryMask mask, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream; got one that cannot be written.", nameof(destination));
        }

        // ImageSharp's SaveAsync writes a seekable stream synchronously; a mask PNG is small, so encode it in memory and
        // copy it asynchronously, whatever the stream.
        using var encoded = new MemoryStream();
        WritePng(mask, encoded);
        encoded.Position = 0;
        await encoded.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the image with the mask tinted and outlined, atomically as PNG.
    /// </summary>
    /// <param name="image">The original image.</param>
    /// <param name="mask">A mask of the same size.</param>
    /// <param name="path">The destination file.</param>
    /// <param name="tint">Tint colour as RGB; default a green.</param>
    /// <param name="opacity">Tint opacity 0..1; default 0.35.</param>
    /// <exception cref="ArgumentException">The mask and image sizes differ.</exception>
    /// <exception cref="OutputPathException">The destination exists and is not a regular file (device, pipe, socket, directory, symbolic link); it is left as it is.</exception>
    public static void SaveOverlay(ImageBuffer image, BinaryMask mask, string path, (byte R, byte G, byte B)? tint = null, float opacity = 0.35f)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (image.Width != mask.Width || image.Height != mask.Height)
        {
            throw new ArgumentException($"Expected a mask of the image's size {image.Width}x{image.Height}; got {mask.Width}x{mask.Height}.", nameof(mask));
        }

        if (!(opacity >= 0 && opacity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, $"Expected an opacity from 0 to 1; got {opacity}.");
        }

        (byte tr, byte tg, byte tb) = tint ?? ((byte)0, (byte)220, (byte)90);
        byte[] rgb = image.ToRgb24Array();
        int w = mask.Width, h = mask.Height;
        ReadOnlySpan<byte> m = mask.Data;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = (y * w) + x;
                if (m[i] == 0)
                {
                    continue;
                }

                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || m[i - 1] == 0 || m[i + 1] == 0 || m[i - w] == 0 || m[i + w] == 0;
                int o = i * 3;
                if (edge)
                {
                    rgb[o] = tr;
                    rgb[o + 1] = tg;
                    rgb[o + 2] = tb;
                }
                else
                {
                    rgb[o] = (byte)((rgb[o] * (1 - opacity)) + (tr * opacity) + 0.5f);
                    rgb[o + 1] = (byte)((rgb[o + 1] * (1 - opacity)) + (tg * opacity) + 0.5f);
                    rgb[o + 2] = (byte)((rgb[o + 2] * (1 - opacity)) + (tb * opacity) + 0.5f);
                }
            }
        }

        using Image<Rgb24> outImage = Image.LoadPixelData<Rgb24>(rgb, w, h);
        AtomicFile.Write(path, s => outImage.Save(s, OverlayEncoder));
    }

    /// <summary>
    /// Reads a mask file by the SDK's one rule for masks (the ground truth of an evaluation included): the first frame's
    /// luminance, with the EXIF orientation applied exactly as <see cref="ImageFile.Load(string, ImageLoadOptions?)"/>
    /// applies it to the image the mask belongs to, so an image and its mask stay on one pixel grid. A binary mask holds
    /// 0 and 255, or 0 and 1, and every non-zero pixel is lesion; any other file is read with lesion where the luminance
    /// is 128 or more.
    /// </summary>
    /// <param name="path">A PNG, BMP or other image file.</param>
    /// <param name="requireBinary">When true, values other than 0 and 255 (or 0 and 1) are an error.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path names a directory.</exception>
    /// <exception cref="ImageDecodeException">The file cannot be decoded, or is not binary when that is required.</exception>
    public static BinaryMask Load(string path, bool requireBinary = false)
    {
        bool binary = TryLoadBinary(path, out BinaryMask mask, out string? problem);
        return requireBinary && !binary ? throw new ImageDecodeException($"{path}: {problem}") : mask;
    }

    /// <summary>
    /// Reads a mask file by the rule of <see cref="Load(string, bool)"/> and says whether it is binary, without throwing
    /// for a mask that is not.
    /// </summary>
    /// <param name="path">A PNG, BMP or other image file.</param>
    /// <param name="mask">The mask, read by the rule of <see cref="Load(string, bool)"/> also when it is not binary.</param>
    /// <param name="problem">Null for a binary mask; otherwise what was expected and the first pixel that broke the rule.</param>
    /// <returns>True when the file holds only 0 and 255, or only 0 and 1.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path names a directory.</exception>
    /// <exception cref="ImageDecodeException">The file cannot be decoded.</exception>
    public static bool TryLoadBinary(string path, out BinaryMask mask, out string? problem)
    {
        ImageLoadOptions options = ImageLoadOptions.Default;
        byte[] levels;
        int width, height;
        using (FileStream stream = ImageFile.OpenRegularFile(path))
        {
            using Image<L8> image = ImageFile.DecodeImage<L8>(ImageFile.ReadAll(stream, path, options.MaxBytes), path, options);
            width = image.Width;
            height = image.Height;
            levels = new byte[width * height];
            image.CopyPixelDataTo(levels);
        }

        problem = FindNonBinaryPixel(levels, width);
        bool zeroOne = !levels.AsSpan().ContainsAnyExceptInRange((byte)0, (byte)1);
        byte threshold = zeroOne ? (byte)1 : (byte)128;
        mask = new BinaryMask(width, height);
        Span<byte> data = mask.Data;
        for (int i = 0; i < levels.Length; i++)
        {
            data[i] = levels[i] >= threshold ? (byte)1 : (byte)0;
        }

        return problem is null;
    }

    /// <summary>The binary rule: only 0 and 255, or only 0 and 1. Null when it holds, else the first pixel that breaks it.</summary>
    private static string? FindNonBinaryPixel(ReadOnlySpan<byte> levels, int width)
    {
        bool sawOne = false, sawHigh = false;
        for (int i = 0; i < levels.Length; i++)
        {
            byte v = levels[i];
            if (v == 0)
            {
                continue;
            }

            if (v == 255)
            {
                sawHigh = true;
            }
            else if (v == 1)
            {
                sawOne = true;
            }
            else
            {
                return $"expected a binary mask (0 and 255, or 0 and 1); got value {v} at pixel ({i % width}, {i / width}).";
            }

            if (sawOne && sawHigh)
            {
                return $"expected a binary mask (0 and 255, or 0 and 1); got 0, 1 and 255 (value {v} at pixel ({i % width}, {i / width})).";
            }
        }

        return null;
    }
}
