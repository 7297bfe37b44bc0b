using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Fuzz;

/// <summary>The fuzz target: ImageFile.Decode may decode or throw ImageDecodeException; any other exception is a crash.</summary>
internal static class DecodeTarget
{
    // Limits keep one input fast: a fuzzer finds decompression bombs by their headers, not by decoding them.
    private static readonly ImageLoadOptions Limits = new() { MaxPixels = 4_000_000, MaxBytes = 1 << 20 };

    public static void Run(ReadOnlySpan<byte> data)
    {
        try
        {
            ImageFile.Decode(data, "fuzz-input", Limits);
        }
        catch (ImageDecodeException)
        {
            // The documented failure: fine.
        }
    }
}
