namespace SkinSam.Sdk.Metrics;

/// <summary>The result of <see cref="MetricAggregator.Summarize(BootstrapOptions)"/>: all images, and each group.</summary>
/// <param name="Overall">Every image added, whatever its group.</param>
/// <param name="Groups">One summary per group, ordered by key (ordinal).</param>
public sealed record MetricAggregation(GroupMetricSummary Overall, IReadOnlyList<GroupMetricSummary> Groups)
{
    /// <summary>The <see cref="GroupMetricSummary.Group"/> of <see cref="Overall"/>.</summary>
    public const string OverallGroup = "(all)";

    /// <summary>The summary of one group.</summary>
    /// <param name="group">The group's key (ordinal comparison).</param>
    /// <returns>The group's summary.</returns>
    /// <exception cref="KeyNotFoundException">No image was added under <paramref name="group"/>.</exception>
    public GroupMetricSummary this[string group] =>
        Groups.FirstOrDefault(g => string.Equals(g.Group, group, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"Expected one of the groups [{string.Join(", ", Groups.Select(g => g.Group))}]; got '{group}'.");
}
