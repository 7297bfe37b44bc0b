using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Counts the foreground (nonzero) bytes of two equally long masks and of their intersection.
/// Every width has its own entry point so tests can check each against <see cref="CountScalar"/>;
/// <see cref="Count"/> picks the widest one the hardware accelerates.
/// </summary>
internal static class ForegroundCounting
{
    /// <summary>Counts with the widest accelerated vector path, then a scalar tail.</summary>
    public static ForegroundTally Count(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        if (predicted.Length != groundTruth.Length)
        {
            throw new ArgumentException(
                $"Expected the predicted and ground-truth masks to have the same length; got {predicted.Length} and {groundTruth.Length}.",
                nameof(groundTruth));
        }

        if (Vector512.IsHardwareAccelerated && predicted.Length >= Vector512<byte>.Count)
        {
            return CountVector512(predicted, groundTruth);
        }

        if (Vector256.IsHardwareAccelerated && predicted.Length >= Vector256<byte>.Count)
        {
            return CountVector256(predicted, groundTruth);
        }

        if (Vector128.IsHardwareAccelerated && predicted.Length >= Vector128<byte>.Count)
        {
            return CountVector128(predicted, groundTruth);
        }

        return CountScalar(predicted, groundTruth, 0, default);
    }

    /// <summary>Counts the nonzero bytes of one span with the widest accelerated path.</summary>
    public static long CountNonZero(ReadOnlySpan<byte> values) => Count(values, values).Predicted;

    /// <summary>64 bytes a step (ExtractMostSignificantBits gives one bit per byte), scalar tail.</summary>
    public static ForegroundTally CountVector512(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        ref byte p = ref MemoryMarshal.GetReference(predicted);
        ref byte g = ref MemoryMarshal.GetReference(groundTruth);
        int length = Math.Min(predicted.Length, groundTruth.Length);
        long zeroP = 0, zeroG = 0, zeroEither = 0;
        int i = 0;
        for (; i <= length - Vector512<byte>.Count; i += Vector512<byte>.Count)
        {
            ulong zp = Vector512.Equals(Vector512.LoadUnsafe(ref p, (nuint)i), Vector512<byte>.Zero).ExtractMostSignificantBits();
            ulong zg = Vector512.Equals(Vector512.LoadUnsafe(ref g, (nuint)i), Vector512<byte>.Zero).ExtractMostSignificantBits();
            zeroP += BitOperations.PopCount(zp);
            zeroG += BitOperations.PopCount(zg);
            zeroEither += BitOperations.PopCount(zp | zg);
        }

        return CountScalar(predicted, groundTruth, i, new ForegroundTally(i - zeroP, i - zeroG, i - zeroEither));
    }

    /// <summary>32 bytes a step, scalar tail.</summary>
    public static ForegroundTally CountVector256(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        ref byte p = ref MemoryMarshal.GetReference(predicted);
        ref byte g = ref MemoryMarshal.GetReference(groundTruth);
        int length = Math.Min(predicted.Length, groundTruth.Length);
        long zeroP = 0, zeroG = 0, zeroEither = 0;
        int i = 0;

        // Two vectors a step: one 64-bit mask costs the same three popcounts as one 32-bit mask.
        for (; i <= length - (2 * Vector256<byte>.Count); i += 2 * Vector256<byte>.Count)
        {
            ulong zp = Vector256.Equals(Vector256.LoadUnsafe(ref p, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<byte>.Count)), Vector256<byte>.Zero).ExtractMostSignificantBits() << 32);
            ulong zg = Vector256.Equals(Vector256.LoadUnsafe(ref g, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref g, (nuint)(i + Vector256<byte>.Count)), Vector256<byte>.Zero).ExtractMostSignificantBits() << 32);
            zeroP += BitOperations.PopCount(zp);
            zeroG += BitOperations.PopCount(zg);
            zeroEither += BitOperations.PopCount(zp | zg);
        }

        for (; i <= length - Vector256<byte>.Count; i += Vector256<byte>.Count)
        {
            uint zp = Vector256.Equals(Vector256.LoadUnsafe(ref p, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits();
            uint zg = Vector256.Equals(Vector256.LoadUnsafe(ref g, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits();
            zeroP += BitOperations.PopCount(zp);
            zeroG += BitOperations.PopCount(zg);
            zeroEither += BitOperations.PopCount(zp | zg);
        }

        return CountScalar(predicted, groundTruth, i, new ForegroundTally(i - zeroP, i - zeroG, i - zeroEither));
    }

    /// <summary>16 bytes a step, scalar tail.</summary>
    public static ForegroundTally CountVector128(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        ref byte p = ref MemoryMarshal.GetReference(predicted);
        ref byte g = ref MemoryMarshal.GetReference(groundTruth);
        int length = Math.Min(predicted.Length, groundTruth.Length);
        long zeroP = 0, zeroG = 0, zeroEither = 0;
        int i = 0;
        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            uint zp = Vector128.Equals(Vector128.LoadUnsafe(ref p, (nuint)i), Vector128<byte>.Zero).ExtractMostSignificantBits();
            uint zg = Vector128.Equals(Vector128.LoadUnsafe(ref g, (nuint)i), Vector128<byte>.Zero).ExtractMostSignificantBits();
            zeroP += BitOperations.PopCount(zp);
            zeroG += BitOperations.PopCount(zg);
            zeroEither += BitOperations.PopCount(zp | zg);
        }

        return CountScalar(predicted, groundTruth, i, new ForegroundTally(i - zeroP, i - zeroG, i - zeroEither));
    }

    /// <summary>The reference: one byte at a time from <paramref name="start"/>, added to <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ForegroundTally CountScalar(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth, int start, ForegroundTally seed)
    {
        int length = Math.Min(predicted.Length, groundTruth.Length);
        long p = seed.Predicted, g = seed.GroundTruth, both = seed.Both;
        for (int i = start; i < length; i++)
        {
            int pi = predicted[i] != 0 ? 1 : 0;
            int gi = groundTruth[i] != 0 ? 1 : 0;
            p += pi;
            g += gi;
            both += pi & gi;
        }

        return new ForegroundTally(p, g, both);
    }
}
