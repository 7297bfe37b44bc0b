using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>
/// The aggregated results of one run in the layout of SkinSAM's results table: rows overall, then each HAM10000 lesion
/// type in the order akiec, bcc, bkl, df, mel, nv, vasc, then any other type (ordinal), then <c>unknown</c>.
/// </summary>
public sealed class EvaluationReport
{
    /// <summary>The group of images without a lesion type.</summary>
    public const string UnknownGroup = "unknown";

    /// <summary>The HAM10000 lesion types in report order.</summary>
    public static IReadOnlyList<string> Ham10000LesionTypes => HamOrder;

    private static readonly string[] HamOrder = ["akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"];

    private EvaluationReport(RunDescription description, MetricAggregation aggregation, IReadOnlyList<GroupMetricSummary> rows, IReadOnlyList<EvaluationRecord> records)
    {
        Description = description;
        Aggregation = aggregation;
        Rows = rows;
        Records = records;
    }

    /// <summary>What was evaluated.</summary>
    public RunDescription Description { get; }

    /// <summary>Overall and per-type summaries.</summary>
    public MetricAggregation Aggregation { get; }

    /// <summary>Overall first, then the lesion types in report order.</summary>
    public IReadOnlyList<GroupMetricSummary> Rows { get; }

    /// <summary>The records summarised, sorted by image id.</summary>
    public IReadOnlyList<EvaluationRecord> Records { get; }

    /// <summary>The samples skipped as unusable, sorted by id (empty unless the run skipped invalid samples).</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; private init; } = [];

    /// <summary>The row label of a group: <c>overall</c> for all images, else the lesion type.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The label.</returns>
    public static string RowLabel(GroupMetricSummary group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Group == MetricAggregation.OverallGroup ? "overall" : group.Group;
    }

    /// <summary>Summarises records.</summary>
    /// <param name="description">What was evaluated.</param>
    /// <param name="records">One record per image; at least one.</param>
    /// <param name="bootstrap">The bootstrap options.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">No records.</exception>
    public static EvaluationReport Create(RunDescription description, IReadOnlyList<EvaluationRecord> records, BootstrapOptions bootstrap)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(bootstrap);
        if (records.Count == 0)
        {
            throw new ArgumentException($"Expected at least one image record to report on for {description.Label}; got none.", nameof(records));
        }

        List<EvaluationRecord> sorted = [.. records.OrderBy(r => r.ImageId, StringComparer.Ordinal)];
        var aggregator = new MetricAggregator();
        foreach (EvaluationRecord record in sorted)
        {
            aggregator.Add(GroupOf(record), record.ToMetrics());
        }

        MetricAggregation aggregation = aggregator.Summarize(bootstrap);
        List<GroupMetricSummary> rows = [aggregation.Overall, .. aggregation.Groups.OrderBy(g => GroupOrder(g.Group)).ThenBy(g => g.Group, StringComparer.Ordinal)];
        return new EvaluationReport(description, aggregation, rows, sorted);
    }

    /// <summary>Summarises records and lists the samples skipped as unusable.</summary>
    /// <param name="description">What was evaluated.</param>
    /// <param name="records">One record per usable image; at least one.</param>
    /// <param name="bootstrap">The bootstrap options.</param>
    /// <param name="skipped">The samples skipped, with their reasons.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">No records.</exception>
    public static EvaluationReport Create(RunDescription description, IReadOnlyList<EvaluationRecord> records, BootstrapOptions bootstrap, IReadOnlyList<SkippedSample> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        EvaluationReport report = Create(description, records, bootstrap);
        return skipped.Count == 0 ? report : new EvaluationReport(report.Description, report.Aggregation, report.Rows, report.Records)
        {
            Skipped = [.. skipped.OrderBy(s => s.ImageId, StringComparer.Ordinal)],
        };
    }

    /// <summary>Rebuilds the report of an earlier run (or merge) from its folder's <c>run.json</c> and <c>records.jsonl</c>.</summary>
    /// <param name="folder">The run's output folder.</param>
    /// <param name="bootstrap">The bootstrap options.</param>
    /// <returns>The report.</returns>
    /// <exception cref="EvaluationOutputException">The folder holds no run or no records.</exception>
    public static EvaluationReport Read(string folder, BootstrapOptions bootstrap)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        RunDescription description = RunDescription.Read(folder)
            ?? throw new EvaluationOutputException($"{Path.Combine(folder, RunDescription.FileName)}: expected the run description of an evaluation; got no such file.");
        IReadOnlyList<EvaluationRecord> records = RecordsFile.Read(Path.Combine(folder, RecordsFile.FileName));
        if (records.Count == 0)
        {
            throw new EvaluationOutputException($"{Path.Combine(folder, RecordsFile.FileName)}: expected at least one record; got none.");
        }

        // A resumed run may hold an id twice only if two processes shared the folder; the last line wins.
        List<EvaluationRecord> unique = [.. records.GroupBy(r => r.ImageId, StringComparer.Ordinal).Select(g => g.Last())];
        return Create(description, unique, bootstrap, SkippedSamplesFile.Read(folder));
    }

    /// <summary>The report group of a record: its lesion type, or <see cref="UnknownGroup"/>.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The group.</returns>
    public static string GroupOf(EvaluationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.IsNullOrWhiteSpace(record.LesionType) ? UnknownGroup : record.LesionType;
    }

    private static int GroupOrder(string group)
    {
        int index = Array.IndexOf(HamOrder, group);
        return index >= 0 ? index : group == UnknownGroup ? 1000 : 100;
    }
}
