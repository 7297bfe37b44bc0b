using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The BMP rule: the file is at least as long as its header's file size, and, for uncompressed pixels, as long as the
/// pixel offset plus rows of the stated size need. ImageSharp alone fills the missing rows of a short BMP silently.
/// </summary>
internal static class BmpCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the file is long enough.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="width">Width from the header.</param>
    /// <param name="height">Height from the header.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data, int width, int height)
    {
        if (data.Length < 34)
        {
            return null; // ImageSharp's own header checks report these.
        }

        uint fileSize = BinaryPrimitives.ReadUInt32LittleEndian(data[2..]);
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        ushort bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        long needed = fileSize;
        if (compression == 0 && bitsPerPixel is 1 or 4 or 8 or 16 or 24 or 32)
        {
            long stride = ((((long)width * bitsPerPixel) + 31) / 32) * 4;
            needed = Math.Max(needed, pixelOffset + (stride * height));
        }

        return data.Length < needed ? $"expected {needed} bytes for a {width}x{height} BMP as its header states; got {data.Length} (truncated)" : null;
    }
}
