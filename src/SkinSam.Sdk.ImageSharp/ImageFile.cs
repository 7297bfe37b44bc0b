using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SkinSam.Sdk.ImageSharp.Completeness;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.ImageSharp;

/// <summary>
/// Decodes image files (JPEG, PNG, BMP, GIF, TIFF, WebP, TGA, PBM) into RGB24 <see cref="ImageBuffer"/>s: one frame, 8-bit RGB
/// (16-bit, grayscale, palette and alpha inputs converted), EXIF orientation applied, size limits checked before decoding.
/// </summary>
/// <remarks>
/// An image is complete or refused: before decoding, the byte stream is walked (JPEG markers and scans up to EOI, PNG
/// chunks and CRCs up to IEND with the IDAT stream inflated to the size the header needs, GIF blocks up to the trailer
/// with the first image's pixels counted, the header sizes of BMP, TGA, PBM, TIFF and WebP), so a truncated file, or
/// a header whose size the data cannot fill, is an <see cref="ImageDecodeException"/> before any pixel buffer is
/// allocated instead of an image with invented rows. <see cref="ImageLoadOptions.AllowIncompleteData"/> switches the
/// walk off for recovering damaged files.
/// </remarks>
public static class ImageFile
{
    private static readonly Configuration DecoderConfiguration = CreateConfiguration();

    /// <summary>Reads an image file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits; null for <see cref="ImageLoadOptions.Default"/>.</param>
    /// <returns>A tightly packed RGB24 image that owns its pixels.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path names a directory.</exception>
    /// <exception cref="ImageDecodeException">The file is not a supported image, is truncated or corrupt, is over a limit, or is a named pipe, socket or device.</exception>
    public static ImageBuffer Load(string path, ImageLoadOptions? options = null)
    {
        using FileStream stream = OpenRegularFile(path);
        return Load(stream, path, options);
    }

    /// <summary>
    /// Reads an image file's size from its header only (no pixel is decoded), with the EXIF orientation rule of
    /// <see cref="Load(string, ImageLoadOptions?)"/>: a quarter turn in the EXIF orientation swaps width and height
    /// when <see cref="ImageLoadOptions.ApplyExifOrientation"/> is set.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The orientation rule and limits; null for <see cref="ImageLoadOptions.Default"/>.</param>
    /// <returns>The width and height <see cref="Load(string, ImageLoadOptions?)"/> would return.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path names a directory.</exception>
    /// <exception cref="ImageDecodeException">The header is unreadable or in no supported format, or the file is a named pipe, socket or device.</exception>
    public static (int Width, int Height) ReadSize(string path, ImageLoadOptions? options = null)
    {
        options ??= ImageLoadOptions.Default;
        options.Validate();
        using FileStream stream = OpenRegularFile(path);
        IImageInfo? info;
        try
        {
            info = Image.Identify(DecoderConfiguration, stream);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new ImageDecodeException($"{path}: expected a readable image header; got {Describe(ex)}.", ex);
        }

        if (info is null)
        {
            throw new ImageDecodeException($"{path}: expected an image in one of {SupportedFormats()}; got no known format.");
        }

        return options.ApplyExifOrientation && SwapsSides(info.Metadata.ExifProfile) ? (info.Height, info.Width) : (info.Width, info.Height);
    }

    /// <summary>Reads an image from a stream.</summary>
    /// <param name="stream">The encoded image; read to its end.</param>
    /// <param name="name">A name for error messages, e.g. the file path.</param>
    /// <param name="options">Limits; null for <see cref="ImageLoadOptions.Default"/>.</param>
    /// <returns>A tightly packed RGB24 image that owns its pixels.</returns>
    /// <exception cref="ImageDecodeException">The data is not a supported image, is truncated or corrupt, or is over a limit.</exception>
    public static ImageBuffer Load(Stream stream, string name, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageLoadOptions.Default;
        options.Validate();
        byte[] bytes = ReadAll(stream, name, options.MaxBytes);
        return DecodeOwned(bytes, name, options);
    }

    /// <summary>
    /// Reads an image from a stream asynchronously (e.g. an HTTP request body, where synchronous reads are refused), then
    /// decodes it with the same limits and completeness checks as <see cref="Load(Stream, string, ImageLoadOptions?)"/>.
    /// </summary>
    /// <param name="stream">The encoded image; read to its end, never past <see cref="ImageLoadOptions.MaxBytes"/> plus one chunk.</param>
    /// <param name="name">A name for error messages, e.g. the upload's file name.</param>
    /// <param name="options">Limits; null for <see cref="ImageLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>A tightly packed RGB24 image that owns its pixels.</returns>
    /// <exception cref="ImageDecodeException">The data is not a supported image, is truncated or corrupt, or is over a limit (<see cref="ImageDecodeException.Failure"/> tells which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ImageBuffer> LoadAsync(Stream stream, string name, ImageLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageLoadOptions.Default;
        options.Validate();
        byte[] bytes = await ReadAllAsync(stream, name, options.MaxBytes, cancellationToken).ConfigureAwait(false);
        return DecodeOwned(bytes, name, options);
    }

    /// <summary>Reads an image from a stream asynchronously; <see cref="LoadAsync(Stream, string, ImageLoadOptions?, CancellationToken)"/> with the name "stream".</summary>
    /// <param name="stream">The encoded image; read to its end.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>A tightly packed RGB24 image that owns its pixels.</returns>
    /// <exception cref="ImageDecodeException">The data is not a supported image, is truncated or corrupt, or is over a limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<ImageBuffer> LoadAsync(Stream stream, CancellationToken cancellationToken) =>
        LoadAsync(stream, "stream", null, cancellationToken);

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="name">A name for error messages.</param>
    /// <param name="options">Limits; null for <see cref="ImageLoadOptions.Default"/>.</param>
    /// <returns>A tightly packed RGB24 image that owns its pixels.</returns>
    /// <exception cref="ImageDecodeException">The data is not a supported image, is truncated or corrupt, or is over a limit.</exception>
    public static ImageBuffer Decode(ReadOnlySpan<byte> encoded, string name, ImageLoadOptions? options = null)
    {
        options ??= ImageLoadOptions.Default;
        options.Validate();
        if (encoded.Length == 0)
        {
            throw new ImageDecodeException($"{name}: expected an encoded image; got 0 bytes.");
        }

        if (encoded.Length > options.MaxBytes)
        {
            throw new ImageDecodeException($"{name}: expected at most {options.MaxBytes} bytes; got {encoded.Length}.", ImageDecodeFailure.OverLimit);
        }

        return DecodeOwned(encoded.ToArray(), name, options);
    }

    /// <summary>Writes an image as an 8-bit RGB PNG, atomically (readers never see half a file).</summary>
    /// <param name="image">The image, in any of the SDK's pixel layouts.</param>
    /// <param name="path">The destination file.</param>
    /// <exception cref="OutputPathException">The destination exists and is not a regular file (device, pipe, socket, directory, symbolic link); it is left as it is.</exception>
    public static void SavePng(ImageBuffer image, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using Image<Rgb24> encoded = Image.LoadPixelData<Rgb24>(image.ToRgb24Array(), image.Width, image.Height);
        AtomicFile.Write(path, s => encoded.Save(s, new PngEncoder()));
    }

    /// <summary>Opens a file for reading after refusing what is not a regular file (a pipe would block, a device never ends).</summary>
    internal static FileStream OpenRegularFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Expected an image file at '{path}'; got {(Directory.Exists(path) ? "a directory" : "no such file")}.", path);
        }

        // A named pipe would block the read forever and a device (/dev/zero, /dev/urandom) never ends: refuse both
        // before opening. A link is followed to what it finally names.
        string target = new FileInfo(path).LinkTarget is null ? path : File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        if (FileSystemEntryKind.DescribeIfNotRegularFile(Path.GetFullPath(target)) is { } kind)
        {
            throw new ImageDecodeException($"{path}: expected a regular image file; got {kind}.");
        }

        return File.OpenRead(path);
    }

    /// <summary>
    /// Decodes one image with every check of <see cref="Decode"/> (limits, completeness, first frame) and the EXIF
    /// orientation rule, into the pixel type asked for (<see cref="Rgb24"/> for images, <see cref="L8"/> luminance for masks).
    /// </summary>
    internal static Image<TPixel> DecodeImage<TPixel>(byte[] data, string name, ImageLoadOptions options)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        if (data.Length == 0)
        {
            throw new ImageDecodeException($"{name}: expected an encoded image; got 0 bytes.");
        }

        if (data.Length > options.MaxBytes)
        {
            throw new ImageDecodeException($"{name}: expected at most {options.MaxBytes} bytes; got {data.Length}.");
        }

        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(DecoderConfiguration, data, out format);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new ImageDecodeException($"{name}: expected a readable image header; got {Describe(ex)}.", ex);
        }

        if (info is null || format is null)
        {
            throw new ImageDecodeException($"{name}: expected an image in one of {SupportedFormats()}; got data of {data.Length} bytes in no known format (first bytes {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))}).");
        }

        long pixels = (long)info.Width * info.Height;
        if (info.Width < 1 || info.Height < 1)
        {
            throw new ImageDecodeException($"{name}: expected an image of at least 1x1 pixels; got {info.Width}x{info.Height}.");
        }

        if (pixels > options.MaxPixels)
        {
            throw new ImageDecodeException($"{name}: expected at most {options.MaxPixels} pixels; the {format.Name} header says {info.Width}x{info.Height} = {pixels}.", ImageDecodeFailure.OverLimit);
        }

        if (info.Width > ImageBuffer.MaxDimension || info.Height > ImageBuffer.MaxDimension)
        {
            throw new ImageDecodeException($"{name}: expected sides of at most {ImageBuffer.MaxDimension} pixels; got {info.Width}x{info.Height}.", ImageDecodeFailure.OverLimit);
        }

        if (!options.AllowIncompleteData)
        {
            string? problem;
            try
            {
                problem = ImageCompleteness.Problem(data, format, info.Width, info.Height);
            }
            catch (Exception ex) when (IsDecoderFailure(ex))
            {
                // The walk reads hostile structures; whatever it trips over is a damaged file, never a crash.
                problem = $"expected a well-formed {format.Name} structure; got {Describe(ex)}";
            }

            if (problem is not null)
            {
                throw new ImageDecodeException($"{name}: {problem}.");
            }
        }

        Image<TPixel> image;
        try
        {
            image = Image.Load<TPixel>(DecoderConfiguration, data);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new ImageDecodeException($"{name}: expected a complete {format.Name} image of {info.Width}x{info.Height}; got {Describe(ex)}.", ex);
        }

        if (options.ApplyExifOrientation)
        {
            try
            {
                image.Mutate(x => x.AutoOrient());
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }

        return image;
    }

    /// <summary>Whether the EXIF orientation is one of the four that include a quarter turn (5 to 8), which swap width and height.</summary>
    private static bool SwapsSides(ExifProfile? exif)
    {
        if (exif is null || exif.GetValue(ExifTag.Orientation) is not { } value)
        {
            return false;
        }

        ushort orientation = value.Value;
        return orientation is >= 5 and <= 8;
    }

    /// <summary>Decodes bytes this class owns (read from a stream, or copied once from a caller's span): no further copy.</summary>
    private static ImageBuffer DecodeOwned(byte[] data, string name, ImageLoadOptions options)
    {
        if (data.Length == 0)
        {
            throw new ImageDecodeException($"{name}: expected an encoded image; got 0 bytes.");
        }

        using Image<Rgb24> image = DecodeImage<Rgb24>(data, name, options);
        var pixelsOut = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixelsOut);
        return new ImageBuffer(pixelsOut, image.Width, image.Height, PixelFormat.Rgb24);
    }

    /// <summary>
    /// Reads a stream to its end within the byte limit, asynchronously, holding the data once: a seekable stream (a
    /// buffered upload, a file) goes straight into an array of its remaining length; another grows a buffer that is
    /// handed over as it is when full, else copied once to its length.
    /// </summary>
    private static async Task<byte[]> ReadAllAsync(Stream stream, string name, long maxBytes, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            long limit = Math.Min(maxBytes, Array.MaxLength);
            if (remaining > limit)
            {
                throw new ImageDecodeException($"{name}: expected at most {limit} bytes; got {remaining}.", ImageDecodeFailure.OverLimit);
            }

            var data = new byte[remaining];
            int filled = 0;
            int read;
            while (filled < data.Length && (read = await stream.ReadAsync(data.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            // A stream that ends early is what it is (the decoder's completeness walk judges the bytes); one that has
            // more than its length said is read on below, within the limit.
            if (filled < data.Length)
            {
                return data.AsSpan(0, filled).ToArray();
            }

            var probe = new byte[1];
            if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
            {
                return data;
            }

            using var rest = new MemoryStream();
            rest.Write(data);
            rest.Write(probe);
            await CopyWithinLimitAsync(stream, rest, name, maxBytes, cancellationToken).ConfigureAwait(false);
            return rest.ToArray();
        }

        using var buffer = new MemoryStream();
        await CopyWithinLimitAsync(stream, buffer, name, maxBytes, cancellationToken).ConfigureAwait(false);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static async Task CopyWithinLimitAsync(Stream stream, MemoryStream buffer, string name, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(0, 81920), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new ImageDecodeException($"{name}: expected at most {maxBytes} bytes; got more.", ImageDecodeFailure.OverLimit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reads a stream to its end within the byte limit.</summary>
    internal static byte[] ReadAll(Stream stream, string name, long maxBytes)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ImageDecodeException($"{name}: expected at most {maxBytes} bytes; got more.", ImageDecodeFailure.OverLimit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>
    /// Damaged files make ImageSharp 2.x throw more than its documented exceptions (fuzzing found NullReferenceException
    /// in the JPEG and BMP decoders, and OutOfMemoryException "Array dimensions exceeded supported range" when a BMP
    /// header asks for an impossible buffer), so every failure inside the decoder becomes an <see cref="ImageDecodeException"/>.
    /// </summary>
    private static bool IsDecoderFailure(Exception ex) => ex is not (ImageDecodeException or OperationCanceledException);

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

    private static string SupportedFormats() => string.Join(", ", DecoderConfiguration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal));

    private static Configuration CreateConfiguration()
    {
        Configuration config = Configuration.Default.Clone();

        // Decode only the first frame of multi-frame formats: a mask belongs to one picture.
        config.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        config.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return config;
    }
}
