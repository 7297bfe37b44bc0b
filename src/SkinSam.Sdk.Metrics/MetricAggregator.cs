using System.Runtime.InteropServices;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Collects per-image metrics under a group key (for example the HAM10000 lesion type) and summarises
/// them per group and overall. Not thread-safe: add from one thread, or lock around <see cref="Add"/>.
/// </summary>
public sealed class MetricAggregator
{
    private readonly Dictionary<string, List<SegmentationMetrics>> _groups = new(StringComparer.Ordinal);
    private readonly List<SegmentationMetrics> _all = [];

    /// <summary>Number of images added.</summary>
    public int Count => _all.Count;

    /// <summary>Adds the metrics of one image under a group key.</summary>
    /// <param name="group">The group's key, for example "mel"; compared ordinally.</param>
    /// <param name="metrics">The image's metrics.</param>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    public void Add(string group, SegmentationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!_groups.TryGetValue(group, out List<SegmentationMetrics>? list))
        {
            list = [];
            _groups.Add(group, list);
        }

        list.Add(metrics);
        _all.Add(metrics);
    }

    /// <summary>Summarises with the default bootstrap (1000 resamples, seed 0, 95 %).</summary>
    /// <returns>The overall and per-group summaries.</returns>
    /// <exception cref="InvalidOperationException">No image was added.</exception>
    public MetricAggregation Summarize() => Summarize(BootstrapOptions.Default);

    /// <summary>Summarises overall and per group, groups ordered by key (ordinal).</summary>
    /// <param name="options">The bootstrap options, used for every group and metric.</param>
    /// <returns>The overall and per-group summaries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No image was added.</exception>
    public MetricAggregation Summarize(BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_all.Count == 0)
        {
            throw new InvalidOperationException("Expected at least one image added before summarising; got none.");
        }

        List<GroupMetricSummary> groups = [.. _groups
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => GroupMetricSummary.Compute(g.Key, CollectionsMarshal.AsSpan(g.Value), options))];
        GroupMetricSummary overall = GroupMetricSummary.Compute(
            MetricAggregation.OverallGroup,
            CollectionsMarshal.AsSpan(_all),
            options);
        return new MetricAggregation(overall, groups);
    }
}
