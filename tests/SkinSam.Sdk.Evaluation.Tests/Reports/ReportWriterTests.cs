using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Evaluation.Reports;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Tests.Reports;

public sealed class ReportWriterTests
{
    private static EvaluationReport Report(string model, int n, double offset)
    {
        string[] types = ["vasc", "nv", "akiec", "mel", "other", null!];
        var records = new List<EvaluationRecord>();
        for (int i = 0; i < n; i++)
        {
            long tp = 50 + (i * 7 % 40), fp = (long)(offset * 10) + (i % 5), fn = i % 3;
            var counts = new ConfusionCounts(tp, fp, fn, 1000 - tp - fp - fn);
            var metrics = new SegmentationMetrics(counts, RegionMetrics.FromCounts(counts), new BoundaryMetrics(i % 4 == 0 ? double.PositiveInfinity : i, 1 + i, 2 + i));
            records.Add(EvaluationRecord.FromMetrics($"id{i:D3}", types[i % types.Length], metrics));
        }

        var description = new RunDescription { Model = model, Dataset = "ham10000", Prompt = "box-jitter", Seed = 3 };
        return EvaluationReport.Create(description, records, new BootstrapOptions { Resamples = 100 });
    }

    [Fact]
    public void Create_Records_RowsAreOverallThenHamOrderThenOthersThenUnknown()
    {
        EvaluationReport report = Report("m", 30, 0);

        Assert.Equal(["overall", "akiec", "mel", "nv", "vasc", "other", "unknown"], report.Rows.Select(EvaluationReport.RowLabel));
        Assert.Equal(30, report.Rows[0].ImageCount);
    }

    [Fact]
    public void ToCsv_Report_ParsesBackToTheSameStatistics()
    {
        EvaluationReport report = Report("m", 30, 0);

        string[] lines = ReportWriter.ToCsv([report]).TrimEnd('\n').Split('\n');
        string[] header = lines[0].Split(',');

        Assert.Equal(ReportWriter.CsvColumns, header);
        Assert.Equal(report.Rows.Count, lines.Length - 1);
        for (int r = 0; r < report.Rows.Count; r++)
        {
            string[] fields = lines[r + 1].Split(',');
            Assert.Equal(header.Length, fields.Length);
            GroupMetricSummary g = report.Rows[r];
            Assert.Equal(EvaluationReport.RowLabel(g), fields[Array.IndexOf(header, "group")]);
            Assert.Equal(g.ImageCount, int.Parse(fields[Array.IndexOf(header, "n")], CultureInfo.InvariantCulture));
            Assert.Equal(g.Dice.Mean, double.Parse(fields[Array.IndexOf(header, "dice_mean")], CultureInfo.InvariantCulture));
            Assert.Equal(g.Dice.ConfidenceLower, double.Parse(fields[Array.IndexOf(header, "dice_ci_lower")], CultureInfo.InvariantCulture));
            Assert.Equal(g.HausdorffDistance95.NonFiniteCount, int.Parse(fields[Array.IndexOf(header, "hd95_non_finite")], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void ToJson_TwoRuns_ParsesBackWithEveryGroupAndStatistic()
    {
        EvaluationReport a = Report("model-a", 30, 0);
        EvaluationReport b = Report("model-b", 12, 1);

        using JsonDocument doc = JsonDocument.Parse(ReportWriter.ToJson([a, b]));
        JsonElement runs = doc.RootElement.GetProperty("runs");

        Assert.Equal(2, runs.GetArrayLength());
        Assert.Equal("model-b", runs[1].GetProperty("model").GetString());
        JsonElement overall = runs[0].GetProperty("groups")[0];
        Assert.Equal("overall", overall.GetProperty("group").GetString());
        Assert.Equal(30, overall.GetProperty("n").GetInt32());
        Assert.Equal(a.Rows[0].Dice.Mean, overall.GetProperty("dice").GetProperty("mean").GetDouble());
        Assert.Equal(a.Rows[0].IoU.StandardDeviation, overall.GetProperty("iou").GetProperty("sd").GetDouble());
        Assert.Equal(a.Rows[0].HausdorffDistance95.NonFiniteCount, overall.GetProperty("hd95").GetProperty("non_finite").GetInt32());
    }

    [Fact]
    public void ToMarkdown_TwoRuns_ShowsBothSideBySideUnderEachLesionType()
    {
        string md = ReportWriter.ToMarkdown([Report("model-a", 30, 0), Report("model-b", 12, 1)]);
        string[] rows = [.. md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1)];

        Assert.StartsWith("| overall | model-a / box-jitter | 30 |", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("| overall | model-b / box-jitter | 12 |", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("| akiec | model-a", rows[2], StringComparison.Ordinal);
        Assert.Contains(" ± ", rows[0], StringComparison.Ordinal);
        Assert.Contains("∞)", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public void WriteAll_Reports_WritesPngPlots()
    {
        using var temp = new TempFolder();

        ReportWriter.WriteAll(temp.Path, [Report("model-a", 30, 0), Report("model-b", 12, 1)], exampleCount: 2);

        byte[] png = File.ReadAllBytes(Path.Combine(temp.Path, "plots", "dice_by_lesion_type.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(File.Exists(Path.Combine(temp.Path, "plots", "dice_histogram.png")));
    }

    [Fact]
    public async Task WriteAll_RunWithImages_DrawsBestAndWorstOverlays()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 8);
        var options = new EvaluationOptions { Prompt = SkinSam.Sdk.Evaluation.Prompts.PromptStrategy.BoxJitter(1), ExampleCount = 2, Bootstrap = new BootstrapOptions { Resamples = 50 } };

        await new EvaluationRunner(new SkinSam.Sdk.Evaluation.Baselines.ShapeBaselineModel(SkinSam.Sdk.Evaluation.Baselines.BaselineShape.Ellipse), new SkinSam.Sdk.Evaluation.Datasets.Ham10000Reader(data), options)
            .RunAsync(Path.Combine(temp.Path, "out"));

        string[] plots = [.. Directory.GetFiles(Path.Combine(temp.Path, "out", "plots")).Select(Path.GetFileName)!];
        Assert.Equal(2, plots.Count(p => p.StartsWith("best_", StringComparison.Ordinal)));
        Assert.Equal(2, plots.Count(p => p.StartsWith("worst_", StringComparison.Ordinal)));
    }
}
