using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// Weighted sums of whole rows, the inner loop of the separable resampler, in a fixed order of
/// correctly rounded operations so every path, vector or scalar, gives the same bits:
/// <c>fma(a, wa, b*wb)</c>, then <c>fma(c, wc, r)</c>, then <c>fma(d, wd, r)</c>.
/// The two-row form is what PyTorch's CPU bilinear kernel computes (its compiler contracts
/// <c>a*wa + b*wb</c> into a fused multiply-add), which makes the two-step upsampling bit-identical
/// to torch 1.13's generic kernel. Without FMA hardware .NET computes the fused operation in software,
/// with the same result.
/// </summary>
internal static class WeightedRowSum
{
    /// <summary><c>destination[i] = a[i] * wa + b[i] * wb</c>.</summary>
    public static void Two(ReadOnlySpan<float> a, float wa, ReadOnlySpan<float> b, float wb, Span<float> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n)
        {
            throw new ArgumentException($"Expected source rows of at least {n} values; got {a.Length} and {b.Length}.", nameof(a));
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> va = Vector512.Create(wa), vb = Vector512.Create(wb);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> r = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), va, Vector512.LoadUnsafe(ref rb, (nuint)i) * vb);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> va = Vector256.Create(wa), vb = Vector256.Create(wb);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), va, Vector256.LoadUnsafe(ref rb, (nuint)i) * vb);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> va = Vector128.Create(wa), vb = Vector128.Create(wb);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> r = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ra, (nuint)i), va, Vector128.LoadUnsafe(ref rb, (nuint)i) * vb);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Two(Unsafe.Add(ref ra, i), wa, Unsafe.Add(ref rb, i), wb);
        }
    }

    /// <summary><c>destination[i] = ((a[i] * wa + b[i] * wb) + c[i] * wc) + d[i] * wd</c>.</summary>
    public static void Four(
        ReadOnlySpan<float> a, float wa, ReadOnlySpan<float> b, float wb,
        ReadOnlySpan<float> c, float wc, ReadOnlySpan<float> d, float wd, Span<float> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n || c.Length < n || d.Length < n)
        {
            throw new ArgumentException($"Expected source rows of at least {n} values; got {a.Length}, {b.Length}, {c.Length} and {d.Length}.", nameof(a));
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float rdd = ref MemoryMarshal.GetReference(d);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> va = Vector512.Create(wa), vb = Vector512.Create(wb), vc = Vector512.Create(wc), vd = Vector512.Create(wd);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> r = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), va, Vector512.LoadUnsafe(ref rb, (nuint)i) * vb);
                r = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rc, (nuint)i), vc, r);
                r = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rdd, (nuint)i), vd, r);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> va = Vector256.Create(wa), vb = Vector256.Create(wb), vc = Vector256.Create(wc), vd = Vector256.Create(wd);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), va, Vector256.LoadUnsafe(ref rb, (nuint)i) * vb);
                r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rc, (nuint)i), vc, r);
                r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rdd, (nuint)i), vd, r);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> va = Vector128.Create(wa), vb = Vector128.Create(wb), vc = Vector128.Create(wc), vd = Vector128.Create(wd);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> r = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ra, (nuint)i), va, Vector128.LoadUnsafe(ref rb, (nuint)i) * vb);
                r = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref rc, (nuint)i), vc, r);
                r = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref rdd, (nuint)i), vd, r);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Four(Unsafe.Add(ref ra, i), wa, Unsafe.Add(ref rb, i), wb, Unsafe.Add(ref rc, i), wc, Unsafe.Add(ref rdd, i), wd);
        }
    }

    /// <summary>The scalar reference of <see cref="Two(ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Two(float a, float wa, float b, float wb) => MathF.FusedMultiplyAdd(a, wa, b * wb);

    /// <summary>The scalar reference of the four-row sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Four(float a, float wa, float b, float wb, float c, float wc, float d, float wd)
    {
        float r = MathF.FusedMultiplyAdd(a, wa, b * wb);
        r = MathF.FusedMultiplyAdd(c, wc, r);
        return MathF.FusedMultiplyAdd(d, wd, r);
    }
}
