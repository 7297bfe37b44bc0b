using System.Text.Json;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Tests.Preprocessing;

/// <summary>
/// Parity with <c>skimage.transform.resize(order=3, preserve_range=True, anti_aliasing=True)</c> (Debian
/// python3-skimage 0.19 on SciPy 1.10) and MedSAM's min-max scaling.
/// </summary>
/// <remarks>
/// What is asserted: (1) the float64 resize before the uint8 truncation is within 1e-3 of skimage's value
/// (stored as float32) at every stored value; (2) the final tensor is within 1e-3 of MedSAM's at every
/// stored value, except where skimage's pre-truncation value is an integer in float32: there a value that
/// skimage computes as k - 1e-14 and this class as k (or the reverse) truncates to a different byte, and
/// the tensor may differ by exactly one uint8 step, 1 / (max - min); (3) the uint8 minimum and maximum
/// equal MedSAM's; (4) when enlarging (no anti-aliasing blur), the whole truncated uint8 image equals
/// skimage's bit for bit (SHA-256 of all 1024 x 1024 x 3 values).
/// </remarks>
public sealed class MedSamPreprocessorTests(ITestOutputHelper output)
{
    private const int T = 1024;

    public static TheoryData<int> MedSamCases => PreprocessingGoldens.CaseIndices("medsam");

    [Theory]
    [MemberData(nameof(MedSamCases))]
    public void ResizeToDoubles_GoldenCase_WithinOneThousandthOfSkimage(int index)
    {
        JsonElement golden = PreprocessingGoldens.Case("medsam", index);
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        int w = golden.GetProperty("width").GetInt32();
        int h = golden.GetProperty("height").GetInt32();
        var resized = new double[w * h * 3];

        MedSamPreprocessor.ResizeToDoubles(rgb, width, height, resized, w, h);

        float[] expected = PreprocessingGoldens.Floats(golden.GetProperty("float_file").GetString()!);
        int[] rows = golden.TryGetProperty("rows", out JsonElement r) ? r.EnumerateArray().Select(e => e.GetInt32()).ToArray() : Enumerable.Range(0, h).ToArray();
        double maxDiff = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < w * 3; j++)
            {
                double e = expected[(i * w * 3) + j];
                double a = resized[(rows[i] * w * 3) + j];
                maxDiff = Math.Max(maxDiff, Math.Abs(e - a));
                if (!(Math.Abs(e - a) <= 1e-3))
                {
                    Assert.Fail($"row {rows[i]} value {j}: expected {e}, got {a}");
                }
            }
        }

        output.WriteLine($"{golden.GetProperty("input").GetString()} -> {w}x{h}: largest difference {maxDiff:G3} (float32 goldens)");

        if (golden.TryGetProperty("uint8_sha256", out JsonElement sha))
        {
            byte[] truncated = resized.Select(v => (byte)v).ToArray();
            bool same = sha.GetString() == PreprocessingGoldens.Sha256(truncated);
            output.WriteLine($"  uint8 image after truncation {(same ? "equals" : "differs from")} skimage's, all {truncated.Length} values");

            // Enlarging involves no Gaussian kernel (whose exp NumPy may round differently), so it must be bit-exact.
            if (golden.GetProperty("upscale").GetBoolean())
            {
                Assert.True(same, "Expected the truncated uint8 image to equal skimage's bit for bit when enlarging.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(MedSamCases))]
    public void Preprocess_GoldenCase_WithinOneThousandthOfMedSamExceptTruncationTies(int index)
    {
        JsonElement golden = PreprocessingGoldens.Case("medsam", index);
        if (!golden.TryGetProperty("tensor_rows_file", out JsonElement tensorFile))
        {
            return;
        }

        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input(golden.GetProperty("input").GetString()!);
        var tensor = new float[3 * T * T];
        new MedSamPreprocessor().Preprocess(ImageBuffer.FromRgb24(rgb, width, height), tensor);

        int[] rows = golden.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] expected = PreprocessingGoldens.Floats(tensorFile.GetString()!);
        float[] before = PreprocessingGoldens.Floats(golden.GetProperty("float_file").GetString()!);
        double step = 1.0 / Math.Max(golden.GetProperty("uint8_max").GetInt32() - golden.GetProperty("uint8_min").GetInt32(), 1e-8);
        int ties = 0;
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                for (int x = 0; x < T; x++)
                {
                    float e = expected[(((c * rows.Length) + i) * T) + x];
                    float a = tensor[(c * T * T) + (rows[i] * T) + x];
                    if (Math.Abs(e - a) <= 1e-3)
                    {
                        continue;
                    }

                    float skimage = before[(((i * T) + x) * 3) + c];
                    Assert.True(skimage == MathF.Round(skimage) && Math.Abs(Math.Abs(e - a) - step) <= 1e-6, $"channel {c} row {rows[i]} column {x}: expected {e}, got {a} (skimage before truncation {skimage})");
                    ties++;
                }
            }
        }

        output.WriteLine($"{golden.GetProperty("input").GetString()}: {ties} truncation ties among {3 * rows.Length * T} compared values");
    }

    [Fact]
    public void Preprocess_RealImage_UsesWholeRangeZeroToOne()
    {
        (byte[] rgb, int width, int height) = PreprocessingGoldens.Input("ISIC_0024698");
        var tensor = new float[3 * 256 * 256];

        new MedSamPreprocessor(256).Preprocess(ImageBuffer.FromRgb24(rgb, width, height), tensor);

        Assert.Equal(0f, tensor.Min());
        Assert.Equal(1f, tensor.Max());
    }

    [Fact]
    public void Preprocess_ConstantImage_IsAllZero()
    {
        byte[] rgb = Enumerable.Repeat((byte)90, 5 * 4 * 3).ToArray();
        var tensor = new float[3 * 64 * 64];
        Array.Fill(tensor, float.NaN);

        new MedSamPreprocessor(64).Preprocess(ImageBuffer.FromRgb24(rgb, 5, 4), tensor);

        Assert.All(tensor, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Preprocess_WrongDestinationLength_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new MedSamPreprocessor().Preprocess(ImageBuffer.FromRgb24(new byte[12], 2, 2), new float[3 * T * T + 1]));
        Assert.Equal("destination", ex.ParamName);
        Assert.StartsWith("Expected a destination of 1 x 3 x 1024 x 1024 = 3145728 floats; got 3145729.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_EmptyImage_ThrowsWithExpectedAndActual()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MedSamPreprocessor().Preprocess(default, new float[3 * T * T]));
        Assert.StartsWith("Expected an image of at least 1 x 1 pixels; got an empty ImageBuffer", ex.Message, StringComparison.Ordinal);
    }
}
