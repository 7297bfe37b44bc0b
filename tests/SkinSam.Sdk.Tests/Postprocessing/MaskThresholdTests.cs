using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

public sealed class MaskThresholdTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 256; n++)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_Length_EqualsScalarReference(int n)
    {
        float[] logits = Logits(n, n);
        var actual = new byte[n];
        MaskThreshold.Apply(logits, actual, 0.25f);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(logits[i] > 0.25f ? 1 : 0, actual[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CountAbove_Length_EqualsScalarReference(int n)
    {
        float[] logits = Logits(n, n + 1000);
        int expected = 0;
        foreach (float v in logits)
        {
            expected += v > -0.5f ? 1 : 0;
        }

        Assert.Equal(expected, MaskThreshold.CountAbove(logits, -0.5f));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ApplySigmoid_Length_EqualsScalarReference(int n)
    {
        float[] logits = Logits(n, n + 2000);
        var actual = new byte[n];
        MaskThreshold.ApplySigmoid(logits, actual, 0.7f);
        for (int i = 0; i < n; i++)
        {
            float p = 1f / (1f + MathF.Exp(-logits[i]));
            if (Math.Abs(p - 0.7f) > 1e-6f)
            {
                Assert.Equal(p > 0.7f ? 1 : 0, actual[i]);
            }
        }
    }

    [Fact]
    public void Apply_NaNAndBoundary_AreBackground()
    {
        float[] logits = [float.NaN, 0f, -0f, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity];
        var actual = new byte[logits.Length];
        MaskThreshold.Apply(logits, actual);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 1, 0 }, actual);
    }

    [Fact]
    public void ToMask_Logits_SetsForegroundAboveZero()
    {
        BinaryMask mask = MaskThreshold.ToMask([-1f, 2f, 0f, 3f, 0.5f, -7f], 3, 2);
        Assert.Equal(new byte[] { 0, 1, 0, 1, 1, 0 }, mask.Data.ToArray());
    }

    [Fact]
    public void ToMaskSigmoid_HalfProbability_MatchesPositiveLogits()
    {
        BinaryMask mask = MaskThreshold.ToMaskSigmoid([-1f, 2f, 0f, 3f, 0.5f, -7f], 3, 2);
        Assert.Equal(new byte[] { 0, 1, 0, 1, 1, 0 }, mask.Data.ToArray());
    }

    [Fact]
    public void Apply_WrongDestination_ThrowsWithLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskThreshold.Apply(new float[5], new byte[4]));
        Assert.Contains("Expected a destination of 5 bytes, one per logit; got 4.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NaNThreshold_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Apply(new float[5], new byte[5], float.NaN));
        Assert.Contains("Expected a finite threshold; got NaN.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplySigmoid_ProbabilityAboveOne_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.ApplySigmoid(new float[5], new byte[5], 1.5f));
        Assert.Contains("Expected a probability in [0, 1]; got 1.5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMask_WrongLogitCount_ThrowsWithCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskThreshold.ToMask(new float[5], 3, 2));
        Assert.Contains("Expected 6 logits for a 3x2 mask; got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ApplyAndCount_Length_EqualsApplyAndTwoCounts(int n)
    {
        float[] logits = Logits(n, n + 3000);
        var expectedMask = new byte[n];
        MaskThreshold.Apply(logits, expectedMask, 0.25f);
        var actual = new byte[n];
        (int low, int high, bool finite) = MaskThreshold.ApplyAndCount(logits, actual, 0.25f, -0.75f, 1.25f);
        Assert.Equal(expectedMask, actual);
        Assert.Equal(MaskThreshold.CountAbove(logits, -0.75f), low);
        Assert.Equal(MaskThreshold.CountAbove(logits, 1.25f), high);
        Assert.True(finite);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ApplyAndCount_OneNonFiniteValueAnywhere_IsReported(float bad)
    {
        const int n = 100;
        for (int position = 0; position < n; position++)
        {
            float[] logits = Logits(n, position);
            logits[position] = bad;
            (_, _, bool finite) = MaskThreshold.ApplyAndCount(logits, new byte[n], 0f, -1f, 1f);
            Assert.False(finite, $"non-finite value at {position} not reported");
        }
    }

    [Fact]
    public void ApplyAndCount_HugeFiniteValues_AreFinite()
    {
        float[] logits = new float[97];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (i % 3 == 0 ? -1 : 1) * float.MaxValue;
        }

        (int low, int high, bool finite) = MaskThreshold.ApplyAndCount(logits, new byte[logits.Length], 0f, -1f, 1f);
        Assert.True(finite);
        Assert.Equal(64, low);
        Assert.Equal(64, high);
    }

    private static float[] Logits(int n, int seed)
    {
        var random = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Whole quarters put some values exactly on the thresholds.
            v[i] = random.Next(-12, 13) / 4f;
        }

        return v;
    }
}
