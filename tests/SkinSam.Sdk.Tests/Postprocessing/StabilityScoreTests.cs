using System.Text.Json;
using SkinSam.Sdk.Postprocessing;

namespace SkinSam.Sdk.Tests.Postprocessing;

public sealed class StabilityScoreTests
{
    [Fact]
    public void Compute_Goldens_MatchSamCalculateStabilityScore()
    {
        int checkedCases = 0;
        foreach (JsonElement c in PostprocessingTestData.ReadJson("stability.json").EnumerateArray())
        {
            float[] logits = PostprocessingTestData.ReadFloats(c.GetProperty("file").GetString()!);
            float threshold = c.GetProperty("threshold").GetSingle();
            float offset = c.GetProperty("offset").GetSingle();
            // null: torch's 0 / 0 = NaN for an empty union, where the SDK returns 0.
            JsonElement score = c.GetProperty("score");
            float expected = score.ValueKind == JsonValueKind.Null ? 0f : score.GetSingle();
            Assert.Equal(expected, StabilityScore.Compute(logits, threshold, offset));
            checkedCases++;
        }

        Assert.Equal(12, checkedCases);
    }

    [Fact]
    public void Compute_SmallExample_IsRatioOfCounts()
    {
        // Above 1: {1.5, 3} (1 is not above 1); above -1: {-0.5, 0.5, 1.5, 3, 1} (-1 is not above -1).
        Assert.Equal(2f / 5f, StabilityScore.Compute([-2f, -0.5f, 0.5f, 1.5f, 3f, -1f, 1f]));
    }

    [Fact]
    public void Compute_EmptyUnion_ReturnsZero()
    {
        Assert.Equal(0f, StabilityScore.Compute([-5f, -3f]));
        Assert.Equal(0f, StabilityScore.Compute([]));
    }

    [Fact]
    public void Compute_NegativeOffset_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StabilityScore.Compute([1f], 0f, -1f));
        Assert.Contains("Expected a finite offset of at least 0; got -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_InfiniteThreshold_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StabilityScore.Compute([1f], float.PositiveInfinity));
        Assert.Contains("Expected a finite threshold; got", ex.Message, StringComparison.Ordinal);
    }
}
