namespace SkinSam.Sdk.Imaging;

/// <summary>The memory layout of one pixel in an <see cref="ImageBuffer"/>.</summary>
public enum PixelFormat
{
    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb24,

    /// <summary>Three bytes per pixel: blue, green, red (the order of Windows bitmaps and OpenCV).</summary>
    Bgr24,

    /// <summary>Four bytes per pixel: red, green, blue, alpha. Alpha is ignored.</summary>
    Rgba32,

    /// <summary>Four bytes per pixel: blue, green, red, alpha. Alpha is ignored.</summary>
    Bgra32,

    /// <summary>One byte per pixel: luminance, replicated to red, green and blue.</summary>
    Gray8,
}

/// <summary>Facts about <see cref="PixelFormat"/> values.</summary>
public static class PixelFormatExtensions
{
    /// <summary>Bytes one pixel occupies in the given format.</summary>
    /// <param name="format">The pixel format.</param>
    /// <returns>1, 3 or 4.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="PixelFormat"/>.</exception>
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Rgb24 or PixelFormat.Bgr24 => 3,
        PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
        PixelFormat.Gray8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"Expected one of {string.Join(", ", Enum.GetNames<PixelFormat>())}; got {(int)format}."),
    };
}
