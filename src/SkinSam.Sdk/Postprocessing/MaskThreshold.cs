using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Turns mask logits into binary masks: <c>logit &gt; threshold</c> (SAM, threshold 0.0), or
/// <c>sigmoid(logit) &gt; probability</c> pixel by pixel. NaN is never above a threshold.
/// </summary>
/// <remarks>
/// The pixelwise sigmoid threshold is not MedSAM's postprocessing: MedSAM takes the sigmoid of the 256 x 256
/// logits, resizes those probabilities once to the original size and keeps <c>p &gt; 0.5</c>
/// (<see cref="MaskProbabilityUpsampler"/>, then <see cref="Apply"/> with threshold 0.5 on the probabilities).
/// On logits that are already at the original size, <c>sigmoid(x) &gt; 0.5</c> is <c>x &gt; 0</c> up to
/// float32 rounding, so these methods only matter for other probability thresholds.
/// </remarks>
public static class MaskThreshold
{
    /// <summary>SAM's mask threshold on logits.</summary>
    public const float DefaultLogitThreshold = 0f;

    /// <summary>MedSAM's threshold on sigmoid probabilities (applied after the resize of the probabilities).</summary>
    public const float DefaultProbabilityThreshold = 0.5f;

    private const int SigmoidChunk = 256;

    /// <summary>Writes 1 where <c>logits[i] &gt; threshold</c>, else 0.</summary>
    /// <param name="logits">Mask logits.</param>
    /// <param name="destination">One byte per logit.</param>
    /// <param name="threshold">The logit threshold, finite.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not finite.</exception>
    public static void Apply(ReadOnlySpan<float> logits, Span<byte> destination, float threshold = DefaultLogitThreshold)
    {
        CheckLengths(logits.Length, destination.Length);
        CheckFinite(threshold, nameof(threshold));
        ApplyCore(logits, destination, threshold);
    }

    /// <summary>A new mask, foreground where <c>logits[i] &gt; threshold</c>.</summary>
    /// <param name="logits">Width * height mask logits, row-major.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="threshold">The logit threshold, finite.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="ArgumentException">The logits are not width * height values.</exception>
    public static BinaryMask ToMask(ReadOnlySpan<float> logits, int width, int height, float threshold = DefaultLogitThreshold)
    {
        var mask = new BinaryMask(width, height);
        CheckMaskLength(logits.Length, width, height);
        Apply(logits, mask.Data, threshold);
        return mask;
    }

    /// <summary>
    /// Writes 1 where <c>sigmoid(logits[i]) &gt; probability</c> in float32, else 0. For probability 0.5
    /// this equals <c>logit &gt; 0</c> except for logits within about 6e-8 of zero, whose float32
    /// sigmoid rounds to exactly 0.5.
    /// </summary>
    /// <param name="logits">Mask logits.</param>
    /// <param name="destination">One byte per logit.</param>
    /// <param name="probability">The probability threshold, in [0, 1].</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1].</exception>
    public static void ApplySigmoid(ReadOnlySpan<float> logits, Span<byte> destination, float probability = DefaultProbabilityThreshold)
    {
        CheckLengths(logits.Length, destination.Length);
        if (!(probability >= 0f && probability <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), $"Expected a probability in [0, 1]; got {probability}.");
        }

        Span<float> chunk = stackalloc float[SigmoidChunk];
        for (int i = 0; i < logits.Length; i += SigmoidChunk)
        {
            int n = Math.Min(SigmoidChunk, logits.Length - i);
            TensorPrimitives.Sigmoid(logits.Slice(i, n), chunk[..n]);
            ApplyCore(chunk[..n], destination.Slice(i, n), probability);
        }
    }

    /// <summary>A new mask, foreground where <c>sigmoid(logits[i]) &gt; probability</c>, pixel by pixel (see the remarks on MedSAM).</summary>
    /// <param name="logits">Width * height mask logits, row-major.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="probability">The probability threshold, in [0, 1].</param>
    /// <returns>The mask.</returns>
    public static BinaryMask ToMaskSigmoid(ReadOnlySpan<float> logits, int width, int height, float probability = DefaultProbabilityThreshold)
    {
        var mask = new BinaryMask(width, height);
        CheckMaskLength(logits.Length, width, height);
        ApplySigmoid(logits, mask.Data, probability);
        return mask;
    }

    /// <summary>Counts the values strictly above <paramref name="threshold"/> (NaN never counts).</summary>
    /// <param name="values">The values.</param>
    /// <param name="threshold">The threshold; NaN counts nothing.</param>
    /// <returns>The count.</returns>
    public static int CountAbove(ReadOnlySpan<float> values, float threshold)
    {
        ref float src = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int i = 0;
        int count = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> t = Vector512.Create(threshold);
            Vector512<int> acc = Vector512<int>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc -= Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
            }

            count = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> t = Vector256.Create(threshold);
            Vector256<int> acc = Vector256<int>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc -= Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
            }

            count = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> t = Vector128.Create(threshold);
            Vector128<int> acc = Vector128<int>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                acc -= Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
            }

            count = Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            count += Unsafe.Add(ref src, i) > threshold ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// One pass over the logits that does what the decoder needs from them: writes the mask
    /// (<c>logits[i] &gt; threshold</c>), counts the values above <paramref name="low"/> and above
    /// <paramref name="high"/> (the stability score's union and intersection), and tells whether every value is
    /// finite. Equal to <see cref="Apply"/> plus two <see cref="CountAbove"/> calls, with one read of the logits
    /// instead of four.
    /// </summary>
    /// <param name="logits">Mask logits.</param>
    /// <param name="destination">One byte per logit.</param>
    /// <param name="threshold">The mask threshold.</param>
    /// <param name="low">The lower stability threshold.</param>
    /// <param name="high">The upper stability threshold.</param>
    /// <returns>The two counts, and false when a value is NaN or infinite.</returns>
    internal static (int AboveLow, int AboveHigh, bool AllFinite) ApplyAndCount(ReadOnlySpan<float> logits, Span<byte> destination, float threshold, float low, float high)
    {
        CheckLengths(logits.Length, destination.Length);
        ref float src = ref MemoryMarshal.GetReference(logits);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int n = logits.Length;
        int i = 0;
        int aboveLow = 0, aboveHigh = 0;
        float poison = 0f; // x * 0 is 0 for finite x and NaN for NaN or infinity, so the sum is NaN iff one is.
        if (Vector256.IsHardwareAccelerated && n >= 4 * Vector256<float>.Count)
        {
            Vector256<float> t = Vector256.Create(threshold), lo = Vector256.Create(low), hi = Vector256.Create(high);
            Vector256<int> accLow = Vector256<int>.Zero, accHigh = Vector256<int>.Zero;
            Vector256<float> accPoison = Vector256<float>.Zero;
            const int step = 4 * 8;
            for (; i <= n - step; i += step)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref src, (nuint)i);
                Vector256<float> v1 = Vector256.LoadUnsafe(ref src, (nuint)(i + 8));
                Vector256<float> v2 = Vector256.LoadUnsafe(ref src, (nuint)(i + 16));
                Vector256<float> v3 = Vector256.LoadUnsafe(ref src, (nuint)(i + 24));
                Vector256<sbyte> b = Vector256.Narrow(
                    Vector256.Narrow(Vector256.GreaterThan(v0, t).AsInt32(), Vector256.GreaterThan(v1, t).AsInt32()),
                    Vector256.Narrow(Vector256.GreaterThan(v2, t).AsInt32(), Vector256.GreaterThan(v3, t).AsInt32()));
                (b.AsByte() & Vector256<byte>.One).StoreUnsafe(ref dst, (nuint)i);
                accLow -= Vector256.GreaterThan(v0, lo).AsInt32() + Vector256.GreaterThan(v1, lo).AsInt32()
                    + Vector256.GreaterThan(v2, lo).AsInt32() + Vector256.GreaterThan(v3, lo).AsInt32();
                accHigh -= Vector256.GreaterThan(v0, hi).AsInt32() + Vector256.GreaterThan(v1, hi).AsInt32()
                    + Vector256.GreaterThan(v2, hi).AsInt32() + Vector256.GreaterThan(v3, hi).AsInt32();
                accPoison += ((v0 * Vector256<float>.Zero) + (v1 * Vector256<float>.Zero)) + ((v2 * Vector256<float>.Zero) + (v3 * Vector256<float>.Zero));
            }

            aboveLow = Vector256.Sum(accLow);
            aboveHigh = Vector256.Sum(accHigh);
            poison = Vector256.Sum(accPoison);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4 * Vector128<float>.Count)
        {
            Vector128<float> t = Vector128.Create(threshold), lo = Vector128.Create(low), hi = Vector128.Create(high);
            Vector128<int> accLow = Vector128<int>.Zero, accHigh = Vector128<int>.Zero;
            Vector128<float> accPoison = Vector128<float>.Zero;
            const int step = 4 * 4;
            for (; i <= n - step; i += step)
            {
                Vector128<float> v0 = Vector128.LoadUnsafe(ref src, (nuint)i);
                Vector128<float> v1 = Vector128.LoadUnsafe(ref src, (nuint)(i + 4));
                Vector128<float> v2 = Vector128.LoadUnsafe(ref src, (nuint)(i + 8));
                Vector128<float> v3 = Vector128.LoadUnsafe(ref src, (nuint)(i + 12));
                Vector128<sbyte> b = Vector128.Narrow(
                    Vector128.Narrow(Vector128.GreaterThan(v0, t).AsInt32(), Vector128.GreaterThan(v1, t).AsInt32()),
                    Vector128.Narrow(Vector128.GreaterThan(v2, t).AsInt32(), Vector128.GreaterThan(v3, t).AsInt32()));
                (b.AsByte() & Vector128<byte>.One).StoreUnsafe(ref dst, (nuint)i);
                accLow -= Vector128.GreaterThan(v0, lo).AsInt32() + Vector128.GreaterThan(v1, lo).AsInt32()
                    + Vector128.GreaterThan(v2, lo).AsInt32() + Vector128.GreaterThan(v3, lo).AsInt32();
                accHigh -= Vector128.GreaterThan(v0, hi).AsInt32() + Vector128.GreaterThan(v1, hi).AsInt32()
                    + Vector128.GreaterThan(v2, hi).AsInt32() + Vector128.GreaterThan(v3, hi).AsInt32();
                accPoison += ((v0 * Vector128<float>.Zero) + (v1 * Vector128<float>.Zero)) + ((v2 * Vector128<float>.Zero) + (v3 * Vector128<float>.Zero));
            }

            aboveLow = Vector128.Sum(accLow);
            aboveHigh = Vector128.Sum(accHigh);
            poison = Vector128.Sum(accPoison);
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref src, i);
            Unsafe.Add(ref dst, i) = v > threshold ? (byte)1 : (byte)0;
            aboveLow += v > low ? 1 : 0;
            aboveHigh += v > high ? 1 : 0;
            poison += v * 0f;
        }

        return (aboveLow, aboveHigh, !float.IsNaN(poison));
    }

    private static void ApplyCore(ReadOnlySpan<float> logits, Span<byte> destination, float threshold)
    {
        ref float src = ref MemoryMarshal.GetReference(logits);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int n = logits.Length;
        int i = 0;

        // Four float comparisons narrow (int -> short -> byte) into one byte vector of 0 / 1.
        if (Vector512.IsHardwareAccelerated && n >= 4 * Vector512<float>.Count)
        {
            Vector512<float> t = Vector512.Create(threshold);
            const int step = 4 * 16;
            for (; i <= n - step; i += step)
            {
                Vector512<int> m0 = Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
                Vector512<int> m1 = Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)(i + 16)), t).AsInt32();
                Vector512<int> m2 = Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)(i + 32)), t).AsInt32();
                Vector512<int> m3 = Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)(i + 48)), t).AsInt32();
                Vector512<sbyte> b = Vector512.Narrow(Vector512.Narrow(m0, m1), Vector512.Narrow(m2, m3));
                (b.AsByte() & Vector512<byte>.One).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 4 * Vector256<float>.Count)
        {
            Vector256<float> t = Vector256.Create(threshold);
            const int step = 4 * 8;
            for (; i <= n - step; i += step)
            {
                Vector256<int> m0 = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
                Vector256<int> m1 = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), t).AsInt32();
                Vector256<int> m2 = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), t).AsInt32();
                Vector256<int> m3 = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), t).AsInt32();
                Vector256<sbyte> b = Vector256.Narrow(Vector256.Narrow(m0, m1), Vector256.Narrow(m2, m3));
                (b.AsByte() & Vector256<byte>.One).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4 * Vector128<float>.Count)
        {
            Vector128<float> t = Vector128.Create(threshold);
            const int step = 4 * 4;
            for (; i <= n - step; i += step)
            {
                Vector128<int> m0 = Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, (nuint)i), t).AsInt32();
                Vector128<int> m1 = Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, (nuint)(i + 4)), t).AsInt32();
                Vector128<int> m2 = Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, (nuint)(i + 8)), t).AsInt32();
                Vector128<int> m3 = Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, (nuint)(i + 12)), t).AsInt32();
                Vector128<sbyte> b = Vector128.Narrow(Vector128.Narrow(m0, m1), Vector128.Narrow(m2, m3));
                (b.AsByte() & Vector128<byte>.One).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i) > threshold ? (byte)1 : (byte)0;
        }
    }

    private static void CheckLengths(int logits, int destination)
    {
        if (logits != destination)
        {
            throw new ArgumentException($"Expected a destination of {logits} bytes, one per logit; got {destination}.", nameof(destination));
        }
    }

    private static void CheckMaskLength(int logits, int width, int height)
    {
        if (logits != width * height)
        {
            throw new ArgumentException($"Expected {width * height} logits for a {width}x{height} mask; got {logits}.", nameof(logits));
        }
    }

    private static void CheckFinite(float value, string parameterName)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, $"Expected a finite threshold; got {value}.");
        }
    }
}
