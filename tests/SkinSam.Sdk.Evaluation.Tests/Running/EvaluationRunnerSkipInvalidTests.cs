using System.Text.Json;
using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

/// <summary><see cref="EvaluationOptions.SkipInvalid"/>: unusable samples are listed with their reasons and the run goes on; without it the first stops the run.</summary>
public sealed class EvaluationRunnerSkipInvalidTests
{
    private static EvaluationOptions Options(bool skipInvalid) => new()
    {
        Prompt = PromptStrategy.Box,
        MaxDegreeOfParallelism = 2,
        WritePlots = false,
        SkipInvalid = skipInvalid,
        Bootstrap = new SkinSam.Sdk.Metrics.BootstrapOptions { Resamples = 100 },
    };

    /// <summary>Six samples: #1 a mask of the wrong size, #3 an undecodable image, #4 an empty ground truth.</summary>
    private static (string Data, string[] Ids) WriteDataWithThreeBadSamples(TempFolder temp)
    {
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 6);
        FakeDatasets.WriteMask(Path.Combine(data, "masks", ids[1] + "_segmentation.png"), new BinaryMask(FakeDatasets.Width + 5, FakeDatasets.Height));
        File.WriteAllText(Path.Combine(data, "images", ids[3] + ".jpg"), "not a JPEG at all");
        FakeDatasets.WriteMask(Path.Combine(data, "masks", ids[4] + "_segmentation.png"), new BinaryMask(FakeDatasets.Width, FakeDatasets.Height));
        return (data, ids);
    }

    [Fact]
    public async Task RunAsync_SkipInvalid_RecordsEachUnusableSampleWithItsReasonAndEvaluatesTheRest()
    {
        using var temp = new TempFolder();
        (string data, string[] ids) = WriteDataWithThreeBadSamples(temp);
        string output = Path.Combine(temp.Path, "out");
        using var model = new ShapeBaselineModel(BaselineShape.Box);

        EvaluationRun run = await new EvaluationRunner(model, new Ham10000Reader(data), Options(skipInvalid: true)).RunAsync(output);

        Assert.Equal([ids[0], ids[2], ids[5]], run.Records.Select(r => r.ImageId));
        Assert.Equal([ids[1], ids[3], ids[4]], run.Skipped.Select(s => s.ImageId));
        Assert.Equal([nameof(DatasetProblem.SizeMismatch), nameof(DatasetProblem.UnreadableFile), nameof(DatasetProblem.EmptyMask)], run.Skipped.Select(s => s.Problem));
        Assert.All(run.Skipped, s => Assert.Contains("expected", s.Reason, StringComparison.Ordinal));
        Assert.Equal(run.Skipped, SkippedSamplesFile.Read(output));
        Assert.Equal(3, RecordsFile.Read(Path.Combine(output, RecordsFile.FileName)).Count);

        string markdown = await File.ReadAllTextAsync(Path.Combine(output, "report.md"));
        Assert.Contains("## Skipped samples", markdown, StringComparison.Ordinal);
        Assert.All(run.Skipped, s => Assert.Contains($"| {s.ImageId} | {s.Problem} |", markdown, StringComparison.Ordinal));
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
        Assert.Equal(3, json.RootElement.GetProperty("runs")[0].GetProperty("skipped").GetArrayLength());
    }

    [Fact]
    public async Task RunAsync_WithoutSkipInvalid_FirstUnusableSampleStopsTheRun()
    {
        using var temp = new TempFolder();
        (string data, string[] ids) = WriteDataWithThreeBadSamples(temp);
        var options = Options(skipInvalid: false);

        var ex = await Assert.ThrowsAsync<DatasetException>(() =>
            new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), new EvaluationOptions
            {
                Prompt = options.Prompt, MaxDegreeOfParallelism = 1, WritePlots = false, Bootstrap = options.Bootstrap,
            }).RunAsync(Path.Combine(temp.Path, "out")));

        Assert.Equal(DatasetProblem.SizeMismatch, ex.Problem);
        Assert.Contains(ids[1], ex.FilePath, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "out", SkippedSamplesFile.FileName)));
    }

    [Fact]
    public async Task RunAsync_SkipInvalidWithAMissingMaskFile_RecordsItAsMissingMaskAndEvaluatesTheRest()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 4);
        string mask = Path.Combine(data, "masks", ids[2] + "_segmentation.png");
        File.Delete(mask);
        string output = Path.Combine(temp.Path, "out");
        using var model = new ShapeBaselineModel(BaselineShape.Box);

        EvaluationRun run = await new EvaluationRunner(model, new Ham10000Reader(data), Options(skipInvalid: true)).RunAsync(output);

        Assert.Equal([ids[0], ids[1], ids[3]], run.Records.Select(r => r.ImageId));
        SkippedSample skipped = Assert.Single(run.Skipped);
        Assert.Equal(ids[2], skipped.ImageId);
        Assert.Equal(nameof(DatasetProblem.MissingMask), skipped.Problem);
        Assert.Equal(mask, skipped.MaskPath);
        Assert.Contains(mask, skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("got no such file", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(run.Skipped, SkippedSamplesFile.Read(output));
        Assert.Contains($"| {ids[2]} | MissingMask |", await File.ReadAllTextAsync(Path.Combine(output, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingMaskFileWithoutSkipInvalid_StopsAtThatSampleKeepingEarlierRecords()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 4);
        string mask = Path.Combine(data, "masks", ids[2] + "_segmentation.png");
        File.Delete(mask);
        string output = Path.Combine(temp.Path, "out");
        var options = Options(skipInvalid: false);

        var ex = await Assert.ThrowsAsync<DatasetException>(() =>
            new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), new EvaluationOptions
            {
                Prompt = options.Prompt, MaxDegreeOfParallelism = 1, WritePlots = false, Bootstrap = options.Bootstrap,
            }).RunAsync(output));

        Assert.Equal(DatasetProblem.MissingMask, ex.Problem);
        Assert.Equal(mask, ex.FilePath);
        Assert.Equal([ids[0], ids[1]], RecordsFile.Read(Path.Combine(output, RecordsFile.FileName)).Select(r => r.ImageId));
        Assert.False(File.Exists(Path.Combine(output, SkippedSamplesFile.FileName)));
    }

    [Fact]
    public async Task RunAsync_SkipInvalidThenFixedAndRerun_SkippedSamplesAreEvaluatedAndTheListIsRemoved()
    {
        using var temp = new TempFolder();
        (string data, string[] ids) = WriteDataWithThreeBadSamples(temp);
        string output = Path.Combine(temp.Path, "out");
        using var model = new ShapeBaselineModel(BaselineShape.Box);
        await new EvaluationRunner(model, new Ham10000Reader(data), Options(skipInvalid: true)).RunAsync(output);

        FakeDatasets.WriteMask(Path.Combine(data, "masks", ids[1] + "_segmentation.png"), FakeDatasets.Lesion(1));
        FakeDatasets.WriteImage(Path.Combine(data, "images", ids[3] + ".jpg"));
        FakeDatasets.WriteMask(Path.Combine(data, "masks", ids[4] + "_segmentation.png"), FakeDatasets.Lesion(4));
        EvaluationRun rerun = await new EvaluationRunner(model, new Ham10000Reader(data), Options(skipInvalid: true)).RunAsync(output);

        Assert.Equal(3, rerun.Resumed);
        Assert.Equal(ids.Order(StringComparer.Ordinal), rerun.Records.Select(r => r.ImageId));
        Assert.Empty(rerun.Skipped);
        Assert.False(File.Exists(Path.Combine(output, SkippedSamplesFile.FileName)));
        Assert.DoesNotContain("Skipped samples", await File.ReadAllTextAsync(Path.Combine(output, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SkipInvalidAndEverySampleUnusable_ThrowsDatasetExceptionNamingTheList()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        string[] ids = FakeDatasets.WriteHam10000Flat(data, 2);
        foreach (string id in ids)
        {
            File.WriteAllText(Path.Combine(data, "images", id + ".jpg"), "junk");
        }

        var ex = await Assert.ThrowsAsync<DatasetException>(() =>
            new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Box), new Ham10000Reader(data), Options(skipInvalid: true)).RunAsync(Path.Combine(temp.Path, "out")));

        Assert.Contains(SkippedSamplesFile.FileName, ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, SkippedSamplesFile.Read(Path.Combine(temp.Path, "out")).Count);
    }
}
