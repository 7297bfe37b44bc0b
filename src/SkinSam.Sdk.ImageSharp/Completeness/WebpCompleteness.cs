using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The WebP rule: the RIFF container's declared size is all there, and its chunks (VP8, VP8L, VP8X, ALPH, ...) each
/// fit inside it, with at least one VP8 or VP8L bitstream chunk.
/// </summary>
internal static class WebpCompleteness
{
    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the container is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            return $"expected a 12-byte RIFF WEBP header; got {data.Length} bytes (truncated)";
        }

        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (data.Length < riffEnd)
        {
            return $"expected {riffEnd} bytes as the RIFF header states; got {data.Length} (truncated)";
        }

        long pos = 12;
        bool bitstream = false;
        while (pos + 8 <= riffEnd)
        {
            string fourCc = System.Text.Encoding.ASCII.GetString(data.Slice((int)pos, 4));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(pos + 4)..]);
            long end = pos + 8 + size + (size & 1);
            if (pos + 8 + size > riffEnd)
            {
                return $"expected {size} bytes of chunk '{fourCc}' at byte {pos}; got {riffEnd - pos - 8} (truncated)";
            }

            bitstream |= fourCc is "VP8 " or "VP8L";
            pos = end;
        }

        return bitstream ? null : "expected a VP8 or VP8L bitstream chunk in the WebP file; got none";
    }
}
