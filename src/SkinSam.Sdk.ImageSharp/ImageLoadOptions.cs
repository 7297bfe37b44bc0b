namespace SkinSam.Sdk.ImageSharp;

/// <summary>Limits and behaviour of <see cref="ImageFile"/> decoding.</summary>
public sealed class ImageLoadOptions
{
    /// <summary>The defaults: at most 100 megapixels, EXIF orientation applied.</summary>
    public static ImageLoadOptions Default { get; } = new();

    /// <summary>Largest accepted width * height, checked from the header before any pixel is decoded (decompression bombs). Default: 100,000,000.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Largest accepted file or stream length in bytes. Default: 512 MiB.</summary>
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Rotate or flip the pixels as the EXIF orientation tag says, so that coordinates match what viewers show. Default: true.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// Decode files whose data is incomplete (a JPEG without its end marker or with missing scans, a PNG without IEND,
    /// with a bad CRC or a short IDAT, a GIF without its trailer, a BMP shorter than its header states, a header whose
    /// size the data cannot fill), letting the decoder fill what is missing. Only for recovering damaged files, never
    /// for measurement: the invented pixels look like image content. <see cref="MaxPixels"/> and
    /// <see cref="MaxBytes"/> still apply. Default: false (such files are an <see cref="ImageDecodeException"/>).
    /// </summary>
    public bool AllowIncompleteData { get; init; }

    /// <summary>Throws one <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxPixels < 1)
        {
            errors.Add($"MaxPixels: expected 1 or more; got {MaxPixels}");
        }

        if (MaxBytes < 1)
        {
            errors.Add($"MaxBytes: expected 1 or more; got {MaxBytes}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid image load options: {string.Join("; ", errors)}.");
        }
    }
}
