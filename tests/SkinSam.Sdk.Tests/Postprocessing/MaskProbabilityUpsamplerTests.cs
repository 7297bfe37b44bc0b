using System.Text.Json;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

/// <summary>
/// MedSAM's postprocessing (sigmoid of the 256 x 256 logits, one bilinear resize of the probabilities to the
/// original size, p &gt; 0.5) against tools/goldens/medsam_reference.py at real ViT-B image sizes.
/// </summary>
public sealed class MaskProbabilityUpsamplerTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        int n = MedSamGoldens.Postprocessing.GetProperty("cases").GetArrayLength();
        for (int i = 0; i < n; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Upsample_StoredLogitsAtRealSizes_MatchesMedSamReference(int index)
    {
        JsonElement c = MedSamGoldens.Postprocessing.GetProperty("cases")[index];
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
        string where = $"{c.GetProperty("logitsFile").GetString()} x{c.GetProperty("scale").GetDouble()} at {w}x{h}";
        float[] logits = MedSamGoldens.ReadLogits(c);

        float[] p = MaskProbabilityUpsampler.Upsample(logits, w, h);
        var mask = new byte[w * h];
        MaskThreshold.Apply(p, mask, MaskThreshold.DefaultProbabilityThreshold);

        MedSamGoldens.AssertMaskMatches(c, mask, where);
        MedSamGoldens.AssertProbabilitiesMatch(c, p, 1e-6, where);
        Assert.True(Math.Abs(MaskThreshold.CountAbove(p, MaskProbabilityUpsampler.ProbabilityOf(-1)) - c.GetProperty("stabilityLow").GetInt32()) <= c.GetProperty("nearStabilityLow").GetInt32(), where);
        Assert.True(Math.Abs(MaskThreshold.CountAbove(p, MaskProbabilityUpsampler.ProbabilityOf(1)) - c.GetProperty("stabilityHigh").GetInt32()) <= c.GetProperty("nearStabilityHigh").GetInt32(), where);
    }

    [Fact]
    public void Upsample_LargeLogits_DiffersFromThresholdingResizedLogits()
    {
        // Why the order matters: resizing logits and then thresholding at 0 is not MedSAM's mask.
        float[] logits = PostprocessingTestData.LowResolutionLogits().Select(v => v * 2f).ToArray();
        float[] p = MaskProbabilityUpsampler.Upsample(logits, 1500, 1125);
        var resizedLogits = new float[1500 * 1125];
        MaskLogitUpsampler.ResizeBilinear(logits, 256, 256, resizedLogits, 1500, 1125);
        int differing = 0;
        for (int i = 0; i < p.Length; i++)
        {
            differing += (p[i] > 0.5f) != (resizedLogits[i] > 0f) ? 1 : 0;
        }

        Assert.True(differing > 1000, $"expected the two orders to differ on many pixels; got {differing}.");
    }

    [Fact]
    public void Upsample_WarmCall_AllocatesNothing()
    {
        float[] logits = PostprocessingTestData.LowResolutionLogits();
        var destination = new float[600 * 450];
        MaskProbabilityUpsampler.Upsample(logits, 600, 450, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        MaskProbabilityUpsampler.Upsample(logits, 600, 450, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Upsample_WrongLogitCount_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskProbabilityUpsampler.Upsample(new float[100], 10, 10, new float[100]));
        Assert.Contains("Expected 65536 low-resolution logits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upsample_WrongDestinationLength_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskProbabilityUpsampler.Upsample(new float[65536], 10, 10, new float[99]));
        Assert.Contains("Expected 100 destination values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upsample_ZeroSize_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskProbabilityUpsampler.Upsample(new float[65536], 0, 10));
    }

    [Fact]
    public void ProbabilityOf_Zero_IsExactlyOneHalf()
    {
        Assert.Equal(0.5f, MaskProbabilityUpsampler.ProbabilityOf(0));
        Assert.Equal((float)(1 / (1 + Math.Exp(-1.0))), MaskProbabilityUpsampler.ProbabilityOf(1));
    }
}
