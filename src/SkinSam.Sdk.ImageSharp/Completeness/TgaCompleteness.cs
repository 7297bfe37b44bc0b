using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The TGA rule: an uncompressed image holds the header, image ID, colour map and every pixel; a run-length encoded
/// one holds at least one packet (a count byte and a pixel) per 128 pixels. TGA has no end marker, so a cut RLE
/// file that happens to be long enough is beyond this check.
/// </summary>
internal static class TgaCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the file is long enough.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="width">Width from the header.</param>
    /// <param name="height">Height from the header.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data, int width, int height)
    {
        if (data.Length < 18)
        {
            return $"expected an 18-byte TGA header; got {data.Length} bytes (truncated)";
        }

        int idLength = data[0];
        int colorMapType = data[1];
        int imageType = data[2];
        int colorMapLength = BinaryPrimitives.ReadUInt16LittleEndian(data[5..]);
        int colorMapEntryBits = data[7];
        int bytesPerPixel = (data[16] + 7) / 8;
        long header = 18L + idLength + (colorMapType == 1 ? ((colorMapLength * colorMapEntryBits) + 7) / 8 : 0);
        long pixels = (long)width * height;
        long needed = imageType switch
        {
            1 or 2 or 3 => header + (pixels * bytesPerPixel),
            9 or 10 or 11 => header + (((pixels + 127) / 128) * (1 + bytesPerPixel)),
            _ => 0,
        };
        return data.Length < needed ? $"expected at least {needed} bytes for a {width}x{height} TGA of {data[16]} bits per pixel (type {imageType}); got {data.Length} (truncated)" : null;
    }
}
