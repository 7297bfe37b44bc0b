using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Masks stored one bit per pixel in 64-bit words: pixel i (row-major) is bit i % 64 of word i / 64,
/// least significant bit first. Bits past the last pixel are ignored by readers and written as 0.
/// </summary>
public static class BitPackedMask
{
    /// <summary>The number of 64-bit words that hold <paramref name="pixelCount"/> pixels.</summary>
    /// <param name="pixelCount">Number of pixels, at least 0.</param>
    /// <returns>ceil(pixelCount / 64).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixelCount"/> is negative.</exception>
    public static long WordCount(long pixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixelCount);
        return (pixelCount + 63) / 64;
    }

    /// <summary>
    /// Packs a mask of one byte per pixel (nonzero = foreground) into words. Vectorised: Vector512 gives
    /// a word per compare, Vector256 a half-word, Vector128 a quarter; the tail is scalar.
    /// </summary>
    /// <param name="mask">The mask, one byte per pixel.</param>
    /// <param name="destination">Exactly <see cref="WordCount(long)"/> of the mask's length words.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong number of words.</exception>
    public static void Pack(ReadOnlySpan<byte> mask, Span<ulong> destination)
    {
        long words = WordCount(mask.Length);
        if (destination.Length != words)
        {
            throw new ArgumentException($"Expected {words} words for {mask.Length} pixels; got {destination.Length}.", nameof(destination));
        }

        ref byte m = ref MemoryMarshal.GetReference(mask);
        int full = mask.Length / 64;
        int w = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; w < full; w++)
            {
                destination[w] = ~Vector512.Equals(Vector512.LoadUnsafe(ref m, (nuint)(w * 64)), Vector512<byte>.Zero).ExtractMostSignificantBits();
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; w < full; w++)
            {
                ulong zeros = Vector256.Equals(Vector256.LoadUnsafe(ref m, (nuint)(w * 64)), Vector256<byte>.Zero).ExtractMostSignificantBits()
                    | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref m, (nuint)((w * 64) + 32)), Vector256<byte>.Zero).ExtractMostSignificantBits() << 32);
                destination[w] = ~zeros;
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; w < full; w++)
            {
                ulong zeros = 0;
                for (int q = 0; q < 4; q++)
                {
                    zeros |= (ulong)Vector128.Equals(Vector128.LoadUnsafe(ref m, (nuint)((w * 64) + (q * 16))), Vector128<byte>.Zero).ExtractMostSignificantBits() << (q * 16);
                }

                destination[w] = ~zeros;
            }
        }

        for (; w < words; w++)
        {
            ulong word = 0;
            int end = Math.Min(64, mask.Length - (w * 64));
            for (int b = 0; b < end; b++)
            {
                word |= (mask[(w * 64) + b] != 0 ? 1UL : 0UL) << b;
            }

            destination[w] = word;
        }
    }
}
