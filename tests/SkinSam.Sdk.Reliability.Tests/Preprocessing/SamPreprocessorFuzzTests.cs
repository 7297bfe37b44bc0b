using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Reliability.Tests.Preprocessing;

/// <summary>
/// Property tests over image sizes 1..2048 a side, every pixel format and padded strides: preprocessing never throws,
/// writes every element, keeps values in the normalised range and leaves exact zeros in the padding.
/// </summary>
[Trait("Category", "Long")]
public sealed class SamPreprocessorFuzzTests
{
    private const int MaxSide = 2048;
    private const int MaxStridePadding = 7;

    // (0 - 123.675) / 58.395 and (255 - 103.53) / 57.375 are the extremes of SAM's normalisation.
    private const float Lowest = -2.118f;
    private const float Highest = 2.641f;

    // One random buffer big enough for the largest case; each case views a prefix of it.
    private static readonly byte[] Pixels = CreatePixels();

    public static Arbitrary<ImageCase> Cases() =>
        (from width in Gen.OneOf(Gen.Choose(1, 3), Gen.Choose(1, MaxSide))
         from height in Gen.OneOf(Gen.Choose(1, 3), Gen.Choose(1, MaxSide))
         from format in Gen.Elements(Enum.GetValues<PixelFormat>())
         from padding in Gen.Choose(0, MaxStridePadding)
         from offset in Gen.Choose(0, 4096)
         select new ImageCase(width, height, format, padding, offset)).ToArbitrary();

    [Property(Arbitrary = [typeof(SamPreprocessorFuzzTests)], MaxTest = 600)]
    public bool Preprocess_RandomSizeAndFormatSmallFrame_FiniteInRangeAndZeroPadded(ImageCase c, byte targetSeed) =>
        Check(c, 1 + (targetSeed % 96));

    [Property(Arbitrary = [typeof(SamPreprocessorFuzzTests)], MaxTest = 25)]
    public bool Preprocess_RandomSizeAndFormatSamFrame_FiniteInRangeAndZeroPadded(ImageCase c) =>
        Check(c, SamPreprocessor.DefaultTargetSize);

    private static bool Check(ImageCase c, int target)
    {
        var preprocessor = new SamPreprocessor(target);
        var destination = new float[preprocessor.TensorLength];
        Array.Fill(destination, float.NaN);
        double scale = target * 1.0 / Math.Max(c.Width, c.Height);
        if ((int)((Math.Min(c.Width, c.Height) * scale) + 0.5) < 1)
        {
            // Beyond 2 * target : 1 the short side would vanish: an input error before any pixel is written.
            var ex = Assert.ThrowsAny<ArgumentException>(() => preprocessor.Preprocess(c.ToBuffer(Pixels), destination));
            return ex.Message.Contains("aspect ratio of at most", StringComparison.Ordinal) && destination.All(float.IsNaN);
        }

        preprocessor.Preprocess(c.ToBuffer(Pixels), destination);
        (int w, int h) = SamPreprocessor.GetResizedSize(c.Width, c.Height, target);
        if (w > target || h > target || Math.Max(w, h) != target)
        {
            return false;
        }

        int plane = target * target;
        for (int channel = 0; channel < 3; channel++)
        {
            for (int y = 0; y < target; y++)
            {
                ReadOnlySpan<float> row = destination.AsSpan((channel * plane) + (y * target), target);
                for (int x = 0; x < target; x++)
                {
                    float v = row[x];
                    bool ok = x < w && y < h ? float.IsFinite(v) && v >= Lowest && v <= Highest : v == 0f;
                    if (!ok)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static byte[] CreatePixels()
    {
        var bytes = new byte[4096 + (MaxSide * ((MaxSide * 4) + MaxStridePadding))];
        new Random(20261127).NextBytes(bytes);
        return bytes;
    }

    /// <summary>One generated image: a view into the shared random pixels.</summary>
    public sealed record ImageCase(int Width, int Height, PixelFormat Format, int StridePadding, int Offset)
    {
        public ImageBuffer ToBuffer(byte[] pixels)
        {
            int stride = (Width * Format.BytesPerPixel()) + StridePadding;
            int length = (stride * (Height - 1)) + (Width * Format.BytesPerPixel());
            return new ImageBuffer(pixels.AsMemory(Offset, length), Width, Height, Format, stride);
        }
    }
}
