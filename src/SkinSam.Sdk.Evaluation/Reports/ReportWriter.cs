using System.Globalization;
using System.Text;
using System.Text.Json;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>
/// Writes reports of one or more runs side by side: <c>report.md</c> (SkinSAM's results table), <c>report.csv</c> and
/// <c>report.json</c> (every statistic, numbers round-trip), each written atomically, and the plots.
/// </summary>
public static class ReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "model", "prompt", "dataset", "seed", "group", "n",
        .. MetricColumns("pixel_accuracy"), .. MetricColumns("dice"), .. MetricColumns("iou"),
        .. MetricColumns("precision"), .. MetricColumns("sensitivity"), .. MetricColumns("specificity"),
        .. MetricColumns("hd95"), .. MetricColumns("assd"),
    ];

    /// <summary>Writes <c>report.md</c>, <c>report.csv</c>, <c>report.json</c> and, unless <paramref name="exampleCount"/> is negative, <c>plots/</c>.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="reports">One report per run, shown side by side.</param>
    /// <param name="exampleCount">Best and worst cases drawn per run (first run only); -1 for no plots at all.</param>
    public static void WriteAll(string folder, IReadOnlyList<EvaluationReport> reports, int exampleCount = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(reports);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), ToMarkdown(reports));
        AtomicFile.WriteAllText(Path.Combine(folder, "report.csv"), ToCsv(reports));
        AtomicFile.WriteAllText(Path.Combine(folder, "report.json"), ToJson(reports));
        if (exampleCount >= 0)
        {
            string plots = Path.Combine(folder, "plots");
            DicePlots.WriteBoxPlot(Path.Combine(plots, "dice_by_lesion_type.png"), reports);
            DicePlots.WriteHistogram(Path.Combine(plots, "dice_histogram.png"), reports[0]);
            if (exampleCount > 0)
            {
                CaseOverlays.WriteBestAndWorst(plots, reports[0].Records, exampleCount);
            }
        }
    }

    /// <summary>The Markdown report: a heading per run, then one table with a row per (lesion type, run).</summary>
    /// <param name="reports">The runs.</param>
    /// <returns>Markdown text.</returns>
    public static string ToMarkdown(IReadOnlyList<EvaluationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var md = new StringBuilder();
        md.Append("# Evaluation report\n\n");
        foreach (EvaluationReport r in reports)
        {
            RunDescription d = r.Description;
            md.Append(Invariant, $"- **{d.Label}**: data set `{d.Dataset}`, prompt `{d.Prompt}`, seed {d.Seed}, {r.Aggregation.Overall.ImageCount} images\n");
        }

        md.Append("\nMean ± sample standard deviation over images; Dice also with its 95 % percentile-bootstrap confidence interval of the mean. ")
          .Append("HD95 and ASSD in pixels of the original images (images whose prediction is empty have no distance and are counted apart as ∞).\n\n");
        bool several = reports.Count > 1;
        md.Append("| Lesion type |").Append(several ? " Run |" : string.Empty)
          .Append(" n | Pixel accuracy | Dice | Dice 95 % CI | IoU | Precision | Sensitivity | Specificity | HD95 (px) | ASSD (px) |\n");
        md.Append("|---|").Append(several ? "---|" : string.Empty).Append("---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (string group in GroupOrder(reports))
        {
            foreach (EvaluationReport r in reports)
            {
                GroupMetricSummary? g = r.Rows.FirstOrDefault(x => EvaluationReport.RowLabel(x) == group);
                if (g is null)
                {
                    continue;
                }

                md.Append(Invariant, $"| {group} |");
                if (several)
                {
                    md.Append(Invariant, $" {r.Description.Label} |");
                }

                md.Append(Invariant, $" {g.ImageCount} | {Cell(g.PixelAccuracy, 4)} | {Cell(g.Dice, 4)} | [{F(g.Dice.ConfidenceLower, 4)}, {F(g.Dice.ConfidenceUpper, 4)}] | {Cell(g.IoU, 4)} | ");
                md.Append(Invariant, $"{Cell(g.Precision, 4)} | {Cell(g.Sensitivity, 4)} | {Cell(g.Specificity, 4)} | {Cell(g.HausdorffDistance95, 2)} | {Cell(g.AverageSymmetricSurfaceDistance, 2)} |\n");
            }
        }

        foreach (EvaluationReport r in reports.Where(r => r.Skipped.Count > 0))
        {
            md.Append(Invariant, $"\n## Skipped samples{(several ? $" ({r.Description.Label})" : string.Empty)}\n\n");
            md.Append(Invariant, $"{r.Skipped.Count} sample(s) could not be used and are not in the table above (evaluate --skip-invalid).\n\n");
            md.Append("| Image id | Problem | Reason |\n|---|---|---|\n");
            foreach (SkippedSample s in r.Skipped)
            {
                md.Append(Invariant, $"| {MarkdownCell(s.ImageId)} | {s.Problem} | {MarkdownCell(s.Reason)} |\n");
            }
        }

        return md.ToString();
    }

    /// <summary>The CSV report: one row per (run, group), columns <see cref="CsvColumns"/>, invariant culture, round-trip numbers.</summary>
    /// <param name="reports">The runs.</param>
    /// <returns>CSV text with a header row.</returns>
    public static string ToCsv(IReadOnlyList<EvaluationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var csv = new StringBuilder();
        csv.Append(string.Join(',', CsvColumns)).Append('\n');
        foreach (EvaluationReport r in reports)
        {
            foreach (GroupMetricSummary g in r.Rows)
            {
                var fields = new List<string>
                {
                    Quote(r.Description.Model), Quote(r.Description.Prompt), Quote(r.Description.Dataset),
                    r.Description.Seed.ToString(Invariant), Quote(EvaluationReport.RowLabel(g)), g.ImageCount.ToString(Invariant),
                };
                foreach (MetricSummary m in Metrics(g))
                {
                    fields.Add(R(m.Mean));
                    fields.Add(R(m.StandardDeviation));
                    fields.Add(R(m.Median));
                    fields.Add(R(m.ConfidenceLower));
                    fields.Add(R(m.ConfidenceUpper));
                    fields.Add(m.NonFiniteCount.ToString(Invariant));
                }

                csv.Append(string.Join(',', fields)).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>The JSON report: <c>{"runs": [{"model", "prompt", "dataset", "seed", "groups": [{"group", "n", "dice": {...}, ...}]}]}</c>.</summary>
    /// <param name="reports">The runs.</param>
    /// <returns>Indented JSON; NaN written as "NaN".</returns>
    public static string ToJson(IReadOnlyList<EvaluationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var runs = reports.Select(r => AddSkipped(r, new Dictionary<string, object?>
        {
            ["model"] = r.Description.Model,
            ["prompt"] = r.Description.Prompt,
            ["dataset"] = r.Description.Dataset,
            ["seed"] = r.Description.Seed,
            ["confidence_level"] = r.Aggregation.Overall.Dice.ConfidenceLevel,
            ["groups"] = r.Rows.Select(g =>
            {
                var row = new Dictionary<string, object?> { ["group"] = EvaluationReport.RowLabel(g), ["n"] = g.ImageCount };
                string[] names = ["pixel_accuracy", "dice", "iou", "precision", "sensitivity", "specificity", "hd95", "assd"];
                MetricSummary[] values = Metrics(g);
                for (int i = 0; i < names.Length; i++)
                {
                    MetricSummary m = values[i];
                    row[names[i]] = new Dictionary<string, object>
                    {
                        ["mean"] = m.Mean,
                        ["sd"] = m.StandardDeviation,
                        ["median"] = m.Median,
                        ["ci_lower"] = m.ConfidenceLower,
                        ["ci_upper"] = m.ConfidenceUpper,
                        ["count"] = m.Count,
                        ["non_finite"] = m.NonFiniteCount,
                    };
                }

                return row;
            }).ToList(),
        })).ToList();
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["runs"] = runs }, options) + "\n";
    }

    /// <summary>Adds <c>"skipped"</c> only when samples were skipped, so reports of runs without any stay as they were.</summary>
    private static Dictionary<string, object?> AddSkipped(EvaluationReport report, Dictionary<string, object?> run)
    {
        if (report.Skipped.Count > 0)
        {
            run["skipped"] = report.Skipped.Select(s => new Dictionary<string, object?> { ["image_id"] = s.ImageId, ["problem"] = s.Problem, ["reason"] = s.Reason }).ToList();
        }

        return run;
    }

    private static string MarkdownCell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    private static MetricSummary[] Metrics(GroupMetricSummary g) =>
        [g.PixelAccuracy, g.Dice, g.IoU, g.Precision, g.Sensitivity, g.Specificity, g.HausdorffDistance95, g.AverageSymmetricSurfaceDistance];

    private static IEnumerable<string> MetricColumns(string name) =>
        [$"{name}_mean", $"{name}_sd", $"{name}_median", $"{name}_ci_lower", $"{name}_ci_upper", $"{name}_non_finite"];

    private static List<string> GroupOrder(IReadOnlyList<EvaluationReport> reports)
    {
        var order = new List<string>();
        foreach (EvaluationReport r in reports)
        {
            foreach (GroupMetricSummary g in r.Rows)
            {
                string label = EvaluationReport.RowLabel(g);
                if (!order.Contains(label))
                {
                    order.Add(label);
                }
            }
        }

        return order;
    }

    private static string Cell(MetricSummary m, int digits)
    {
        string cell = double.IsNaN(m.StandardDeviation) ? F(m.Mean, digits) : $"{F(m.Mean, digits)} ± {F(m.StandardDeviation, digits)}";
        return m.NonFiniteCount > 0 ? $"{cell} ({m.NonFiniteCount} ∞)" : cell;
    }

    private static string F(double value, int digits) => double.IsNaN(value) ? "–" : value.ToString("F" + digits.ToString(Invariant), Invariant);

    private static string R(double value) => value.ToString("R", Invariant);

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
