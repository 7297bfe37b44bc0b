using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

public sealed class EvaluationRunnerTests
{
    private static EvaluationOptions Options(int parallel = 2, Shard? shard = null, int? limit = null, bool saveMasks = false) => new()
    {
        Prompt = PromptStrategy.BoxJitter(5),
        MaxDegreeOfParallelism = parallel,
        Shard = shard ?? Shard.All,
        Limit = limit,
        SaveMasks = saveMasks,
        WritePlots = false,
        Bootstrap = new SkinSam.Sdk.Metrics.BootstrapOptions { Resamples = 200 },
    };

    [Fact]
    public async Task RunAsync_FakeHam10000_WritesOneRecordPerImageAndReports()
    {
        using var temp = new TempFolder();
        string[] ids = FakeDatasets.WriteHam10000Flat(temp.Sub("data"), 10);
        string output = Path.Combine(temp.Path, "out");
        using var model = new ShapeBaselineModel(BaselineShape.Box);
        var progress = new List<EvaluationProgress>();

        EvaluationRun run = await new EvaluationRunner(model, new Ham10000Reader(Path.Combine(temp.Path, "data")), Options(saveMasks: true))
            .RunAsync(output, new SyncProgress(progress));

        Assert.Equal(ids.Order(StringComparer.Ordinal), run.Records.Select(r => r.ImageId));
        Assert.Equal(10, RecordsFile.Read(Path.Combine(output, RecordsFile.FileName)).Count);
        Assert.All(run.Records, r => Assert.InRange(r.Dice, 0.3, 1.0));
        Assert.All(run.Records, r => Assert.NotNull(r.Prompt.Box));
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.True(File.Exists(Path.Combine(output, "report.csv")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.Equal(10, Directory.GetFiles(Path.Combine(output, "masks"), "*.png").Length);
        Assert.Equal(10, progress.Max(p => p.Completed));
        Assert.All(progress, p => Assert.Equal(10, p.Total));
    }

    [Fact]
    public async Task RunAsync_TruncatedRecordsFile_ResumesAndRecordsEveryImageExactlyOnce()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 12);
        string output = Path.Combine(temp.Path, "out");
        using var model = new ShapeBaselineModel(BaselineShape.Ellipse);
        EvaluationRun full = await new EvaluationRunner(model, new Ham10000Reader(data), Options()).RunAsync(output);

        // Keep five complete lines and half of the sixth, as a killed run would leave.
        string path = Path.Combine(output, RecordsFile.FileName);
        string[] lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join('\n', lines.Take(5)) + "\n" + lines[5][..(lines[5].Length / 2)]);

        EvaluationRun resumed = await new EvaluationRunner(model, new Ham10000Reader(data), Options(parallel: 3)).RunAsync(output);

        Assert.Equal(5, resumed.Resumed);
        List<EvaluationRecord> onDisk = [.. RecordsFile.Read(path)];
        Assert.Equal(ids.Order(StringComparer.Ordinal), onDisk.Select(r => r.ImageId).Order(StringComparer.Ordinal));
        Assert.Equal(full.Records.Select(r => r.Dice), resumed.Records.Select(r => r.Dice));
        Assert.Equal(
            SkinSam.Sdk.Evaluation.Reports.ReportWriter.ToCsv([full.Report]),
            SkinSam.Sdk.Evaluation.Reports.ReportWriter.ToCsv([resumed.Report]));
    }

    [Fact]
    public async Task RunAsync_FolderOfAnotherRun_ThrowsEvaluationOutputException()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 3);
        string output = Path.Combine(temp.Path, "out");
        await new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), Options()).RunAsync(output);

        var ex = await Assert.ThrowsAsync<EvaluationOutputException>(() =>
            new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Ellipse), new Ham10000Reader(data), Options()).RunAsync(output));

        Assert.Contains("baseline-box", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeStart_ThrowsAndKeepsTheFolderResumable()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 4);
        string output = Path.Combine(temp.Path, "out");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var runner = new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), Options());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(output, null, cts.Token));
        EvaluationRun run = await runner.RunAsync(output);

        Assert.Equal(4, run.Records.Count);
    }

    [Fact]
    public async Task RunAsync_Limit_EvaluatesTheFirstIdsOnly()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 6);

        EvaluationRun run = await new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), Options(limit: 2))
            .RunAsync(Path.Combine(temp.Path, "out"));

        Assert.Equal(ids.Order(StringComparer.Ordinal).Take(2), run.Records.Select(r => r.ImageId));
    }

    [Fact]
    public async Task RunAsync_NonBinaryMask_ThrowsDatasetExceptionNamingTheMask()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 3);
        string bad = Path.Combine(data, "masks", ids[2] + "_segmentation.png");
        FakeDatasets.WriteMask(bad, FakeDatasets.Lesion(2), foreground: 200);

        var ex = await Assert.ThrowsAsync<DatasetException>(() =>
            new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), Options(parallel: 1)).RunAsync(Path.Combine(temp.Path, "out")));

        Assert.Equal(DatasetProblem.NonBinaryMask, ex.Problem);
        Assert.Equal(bad, ex.FilePath);
        Assert.Equal(2, RecordsFile.Read(Path.Combine(temp.Path, "out", RecordsFile.FileName)).Count);
    }

    [Fact]
    public void Shard_ManyIds_ShardsAreDisjointAndCoverEveryId()
    {
        string[] ids = [.. Enumerable.Range(0, 2000).Select(FakeDatasets.IsicId)];
        const int n = 5;
        int[] owners = [.. ids.Select(id => Enumerable.Range(0, n).Count(k => new Shard(k, n).Contains(id)))];

        Assert.All(owners, count => Assert.Equal(1, count));
        Assert.All(Enumerable.Range(0, n), k => Assert.InRange(ids.Count(id => new Shard(k, n).Contains(id)), 300, 500));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void Shard_Parse_BadText_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => Shard.Parse(text));
    }

    [Fact]
    public async Task Merge_ShardRuns_EqualsSingleRun()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 14);
        using var model = new ShapeBaselineModel(BaselineShape.Ellipse);
        EvaluationRun single = await new EvaluationRunner(model, new Ham10000Reader(data), Options()).RunAsync(Path.Combine(temp.Path, "single"));
        var shardFolders = new List<string>();
        var shardIds = new List<string>();
        for (int k = 0; k < 3; k++)
        {
            string folder = Path.Combine(temp.Path, $"shard{k}");
            EvaluationRun part = await new EvaluationRunner(model, new Ham10000Reader(data), Options(shard: new Shard(k, 3))).RunAsync(folder);
            shardFolders.Add(folder);
            shardIds.AddRange(part.Records.Select(r => r.ImageId));
        }

        EvaluationRun merged = EvaluationMerge.Merge(shardFolders, Path.Combine(temp.Path, "merged"), new SkinSam.Sdk.Metrics.BootstrapOptions { Resamples = 200 }, exampleCount: -1);

        Assert.Equal(ids.Length, shardIds.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), shardIds.Order(StringComparer.Ordinal));
        Assert.Equal(single.Records.Select(r => (r.ImageId, r.Dice)), merged.Records.Select(r => (r.ImageId, r.Dice)));
        Assert.Equal(File.ReadAllText(Path.Combine(temp.Path, "single", "report.csv")), File.ReadAllText(Path.Combine(temp.Path, "merged", "report.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(temp.Path, "single", "report.md")), File.ReadAllText(Path.Combine(temp.Path, "merged", "report.md")));
        Assert.Null(RunDescription.Read(Path.Combine(temp.Path, "merged"))!.Shard);
    }

    [Fact]
    public async Task Merge_RunsOfDifferentPrompts_ThrowsEvaluationOutputException()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 3);
        using var model = new ShapeBaselineModel(BaselineShape.Box);
        await new EvaluationRunner(model, new Ham10000Reader(data), Options()).RunAsync(Path.Combine(temp.Path, "a"));
        await new EvaluationRunner(model, new Ham10000Reader(data), new EvaluationOptions { Prompt = PromptStrategy.Box, WritePlots = false }).RunAsync(Path.Combine(temp.Path, "b"));

        var ex = Assert.Throws<EvaluationOutputException>(() => EvaluationMerge.Merge([Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b")], Path.Combine(temp.Path, "m")));

        Assert.Contains("prompt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsFile_CorruptMiddleLine_ThrowsNamingTheLine()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, RecordsFile.FileName);
        File.WriteAllText(path, "{\"image_id\":\"a\"}\nnot json\n{\"image_id\":\"b\"}\n");

        var ex = Assert.Throws<EvaluationOutputException>(() => RecordsFile.Read(path));

        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluationRecord_JsonRoundTrip_KeepsInfiniteDistancesAndMetrics()
    {
        var record = new EvaluationRecord { ImageId = "x", Dice = 0, HausdorffDistance95 = double.PositiveInfinity, TruePositives = 0, FalseNegatives = 10, TrueNegatives = 90 };

        string line = RecordsFile.ToLine(record);
        EvaluationRecord back = System.Text.Json.JsonSerializer.Deserialize<EvaluationRecord>(line, RecordsFile.JsonOptions)!;

        Assert.Contains("\"hd95\":\"Infinity\"", line, StringComparison.Ordinal);
        Assert.Equal(record, back with { Prompt = record.Prompt });
        Assert.Equal(0.9, back.ToMetrics().PixelAccuracy, 12);
    }

    private sealed class SyncProgress(List<EvaluationProgress> sink) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
