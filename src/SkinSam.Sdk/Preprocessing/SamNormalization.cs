using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// SAM's per-channel normalisation on the 0..255 scale, fused with the change from interleaved RGB bytes to
/// three float planes: <c>plane_c[i] = (rgb[3i + c] - mean_c) / std_c</c> in float32, the same operations in
/// the same precision as SAM's <c>(x - pixel_mean) / pixel_std</c> in PyTorch, so results are bit-identical.
/// </summary>
internal static class SamNormalization
{
    /// <summary>SAM's pixel mean, red, green, blue, on the 0..255 scale.</summary>
    public static readonly float[] Mean = [123.675f, 116.28f, 103.53f];

    /// <summary>SAM's pixel standard deviation, red, green, blue, on the 0..255 scale.</summary>
    public static readonly float[] Std = [58.395f, 57.12f, 57.375f];

    /// <summary>Normalises <c>rgb.Length / 3</c> pixels into the three planes.</summary>
    /// <param name="rgb">Interleaved RGB bytes; a multiple of 3 long.</param>
    /// <param name="red">Receives the red plane; at least <c>rgb.Length / 3</c> long.</param>
    /// <param name="green">Receives the green plane.</param>
    /// <param name="blue">Receives the blue plane.</param>
    public static void NormalizeRow(ReadOnlySpan<byte> rgb, Span<float> red, Span<float> green, Span<float> blue)
    {
        int pixels = ValidateRow(rgb, red, green, blue);
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            i = Vector256.IsHardwareAccelerated
                ? NormalizeVector256(rgb, red, green, blue, pixels)
                : NormalizeVector128(rgb, red, green, blue, pixels);
        }

        NormalizeRowScalar(rgb, red, green, blue, i);
    }

    /// <summary>The scalar definition of <see cref="NormalizeRow"/>, from pixel <paramref name="start"/> on.</summary>
    public static void NormalizeRowScalar(ReadOnlySpan<byte> rgb, Span<float> red, Span<float> green, Span<float> blue, int start = 0)
    {
        int pixels = ValidateRow(rgb, red, green, blue);
        float mr = Mean[0], mg = Mean[1], mb = Mean[2];
        float sr = Std[0], sg = Std[1], sb = Std[2];
        for (int x = start; x < pixels; x++)
        {
            red[x] = (rgb[3 * x] - mr) / sr;
            green[x] = (rgb[(3 * x) + 1] - mg) / sg;
            blue[x] = (rgb[(3 * x) + 2] - mb) / sb;
        }
    }

    private static int ValidateRow(ReadOnlySpan<byte> rgb, Span<float> red, Span<float> green, Span<float> blue)
    {
        if (rgb.Length % 3 != 0)
        {
            throw new ArgumentException($"Expected a whole number of RGB pixels (a multiple of 3 bytes); got {rgb.Length} bytes.", nameof(rgb));
        }

        int pixels = rgb.Length / 3;
        if (red.Length < pixels || green.Length < pixels || blue.Length < pixels)
        {
            throw new ArgumentException($"Expected planes of at least {pixels} floats; got {red.Length}, {green.Length} and {blue.Length}.", nameof(red));
        }

        return pixels;
    }

    private static int NormalizeVector128(ReadOnlySpan<byte> rgb, Span<float> red, Span<float> green, Span<float> blue, int pixels)
    {
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        Vector128<float> mr = Vector128.Create(Mean[0]), mg = Vector128.Create(Mean[1]), mb = Vector128.Create(Mean[2]);
        Vector128<float> sr = Vector128.Create(Std[0]), sg = Vector128.Create(Std[1]), sb = Vector128.Create(Std[2]);
        int x = 0;

        // Each step loads 16 bytes but uses 12, so stop while 16 are still readable.
        for (; (3 * x) + 16 <= rgb.Length; x += 4)
        {
            (Vector128<int> r, Vector128<int> g, Vector128<int> b) = Load4(ref src, 3 * x);
            ((Vector128.ConvertToSingle(r) - mr) / sr).StoreUnsafe(ref MemoryMarshal.GetReference(red), (nuint)x);
            ((Vector128.ConvertToSingle(g) - mg) / sg).StoreUnsafe(ref MemoryMarshal.GetReference(green), (nuint)x);
            ((Vector128.ConvertToSingle(b) - mb) / sb).StoreUnsafe(ref MemoryMarshal.GetReference(blue), (nuint)x);
        }

        return x;
    }

    private static int NormalizeVector256(ReadOnlySpan<byte> rgb, Span<float> red, Span<float> green, Span<float> blue, int pixels)
    {
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        Vector256<float> mr = Vector256.Create(Mean[0]), mg = Vector256.Create(Mean[1]), mb = Vector256.Create(Mean[2]);
        Vector256<float> sr = Vector256.Create(Std[0]), sg = Vector256.Create(Std[1]), sb = Vector256.Create(Std[2]);
        int x = 0;

        // Pixels 4..7 are loaded from byte 12 on, 16 bytes: stop while 3x + 28 bytes are readable.
        for (; (3 * x) + 28 <= rgb.Length; x += 8)
        {
            (Vector128<int> r0, Vector128<int> g0, Vector128<int> b0) = Load4(ref src, 3 * x);
            (Vector128<int> r1, Vector128<int> g1, Vector128<int> b1) = Load4(ref src, (3 * x) + 12);
            ((Vector256.ConvertToSingle(Vector256.Create(r0, r1)) - mr) / sr).StoreUnsafe(ref MemoryMarshal.GetReference(red), (nuint)x);
            ((Vector256.ConvertToSingle(Vector256.Create(g0, g1)) - mg) / sg).StoreUnsafe(ref MemoryMarshal.GetReference(green), (nuint)x);
            ((Vector256.ConvertToSingle(Vector256.Create(b0, b1)) - mb) / sb).StoreUnsafe(ref MemoryMarshal.GetReference(blue), (nuint)x);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> R, Vector128<int> G, Vector128<int> B) Load4(ref byte src, int offset)
    {
        // Gathers pixels 0..3 of a 16-byte load into R0..R3 G0..G3 B0..B3; index 0xFF yields 0.
        Vector128<byte> v = Vector128.Shuffle(
            Vector128.LoadUnsafe(ref src, (nuint)offset),
            Vector128.Create((byte)0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, 0xFF, 0xFF, 0xFF, 0xFF));
        (Vector128<ushort> rg, Vector128<ushort> b) = Vector128.Widen(v);
        (Vector128<uint> r, Vector128<uint> g) = Vector128.Widen(rg);
        return (r.AsInt32(), g.AsInt32(), Vector128.WidenLower(b).AsInt32());
    }
}
