using SixLabors.ImageSharp.Formats;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// Checks, before any pixel is decoded, that an encoded image holds all the data its header promises: ImageSharp
/// fills what is missing in truncated JPEG, PNG, GIF and BMP data with invented pixels instead of failing. The rule of
/// each format is on its own class; docs/errors.md lists them.
/// </summary>
internal static class ImageCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the data is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="format">The format ImageSharp detected.</param>
    /// <param name="width">Width from the header.</param>
    /// <param name="height">Height from the header.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(byte[] data, IImageFormat format, int width, int height) => format.Name.ToUpperInvariant() switch
    {
        "JPEG" => JpegCompleteness.Problem(data),
        "PNG" => PngCompleteness.Problem(data),
        "GIF" => GifCompleteness.Problem(data),
        "BMP" => BmpCompleteness.Problem(data, width, height),
        "WEBP" => WebpCompleteness.Problem(data),
        "TGA" => TgaCompleteness.Problem(data, width, height),
        "PBM" => PbmCompleteness.Problem(data, width, height),
        "TIFF" => TiffCompleteness.Problem(data, width, height),
        _ => null,
    };
}
