namespace SkinSam.Sdk.Postprocessing;

/// <summary>
/// SAM's stability score of one mask: the area above <c>threshold + offset</c> divided by the area
/// above <c>threshold - offset</c> (<c>segment_anything.utils.amg.calculate_stability_score</c>).
/// </summary>
public static class StabilityScore
{
    /// <summary>
    /// Computes <c>count(logits &gt; threshold + offset) / count(logits &gt; threshold - offset)</c>, with
    /// both thresholds rounded to float32 as PyTorch compares a float32 tensor with a Python number.
    /// </summary>
    /// <param name="logits">Mask logits (any layout; only counts matter).</param>
    /// <param name="threshold">The mask threshold, finite; SAM uses 0.</param>
    /// <param name="offset">The offset, finite and not negative; SAM uses 1.</param>
    /// <returns>
    /// The score in [0, 1]. When no logit is above <c>threshold - offset</c> (an empty union, which
    /// includes empty input) the score is 0. SAM's PyTorch code divides 0 by 0 there and gets NaN;
    /// 0 keeps the score a number and, like NaN, fails every <c>score &gt;= limit</c> filter with a
    /// positive limit.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The threshold or offset is not finite, or the offset is negative.</exception>
    public static float Compute(ReadOnlySpan<float> logits, float threshold = 0f, float offset = 1f)
    {
        if (!float.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"Expected a finite threshold; got {threshold}.");
        }

        if (!float.IsFinite(offset) || offset < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Expected a finite offset of at least 0; got {offset}.");
        }

        (float low, float high) = Thresholds(threshold, offset);
        int union = MaskThreshold.CountAbove(logits, low);
        if (union == 0)
        {
            return 0f;
        }

        int intersection = MaskThreshold.CountAbove(logits, high);
        return FromCounts(union, intersection);
    }

    /// <summary>The two thresholds, rounded to float32 as PyTorch does (arguments already validated).</summary>
    internal static (float Low, float High) Thresholds(float threshold, float offset) =>
        ((float)((double)threshold - offset), (float)((double)threshold + offset));

    /// <summary>The score from the two counts: 0 for an empty union.</summary>
    internal static float FromCounts(int union, int intersection) => union == 0 ? 0f : (float)intersection / union;
}
