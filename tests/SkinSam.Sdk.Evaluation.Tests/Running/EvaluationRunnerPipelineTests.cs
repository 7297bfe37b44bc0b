using System.Text.Json;
using System.Text.Json.Nodes;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Evaluation.Tests.Datasets;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

/// <summary>
/// <see cref="EvaluationOptions.Pipelined"/>: a pipelined run (one or two model runs at once) writes what a sequential
/// run writes (records in the same order with the same content apart from their timing, the same skipped samples,
/// reports and mask files), on the real ISIC 2018 samples with the real tiny ONNX model, through skipping, resuming,
/// sharding and a stop at an unusable sample.
/// </summary>
public sealed class EvaluationRunnerPipelineTests : IDisposable
{
    private readonly ISegmentationModel _model = SegmentationModels.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "sam-tiny"));
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    private static EvaluationOptions Options(bool pipelined, int parallel = 1, bool skipInvalid = true, Shard? shard = null) => new()
    {
        Prompt = PromptStrategy.BoxJitter(3),
        Pipelined = pipelined,
        MaxDegreeOfParallelism = parallel,
        SkipInvalid = skipInvalid,
        SaveMasks = true,
        Shard = shard ?? Shard.All,
        WritePlots = false,
        Bootstrap = new SkinSam.Sdk.Metrics.BootstrapOptions { Resamples = 100 },
    };

    /// <summary>The eight ISIC 2018 samples; #1 gets a mask of the wrong size, #4 an undecodable image, #6 an empty ground truth.</summary>
    private string DataWithThreeBadSamples()
    {
        string data = _temp.Sub("data");
        SampleData.CopyTree("isic2018", data);
        List<DatasetSample> samples = [.. new IsicTask1Reader(data).ReadSamples()];
        Assert.Equal(8, samples.Count);
        FakeDatasets.WriteMask(samples[1].MaskPath, new BinaryMask(17, 11));
        File.WriteAllText(samples[4].ImagePath, "not a JPEG at all");
        (int w, int h) = GroundTruthFile.ReadImageSize(samples[6].ImagePath);
        FakeDatasets.WriteMask(samples[6].MaskPath, new BinaryMask(w, h));
        return data;
    }

    private async Task<string> RunAsync(string data, string name, EvaluationOptions options)
    {
        string output = Path.Combine(_temp.Path, name);
        await new EvaluationRunner(_model, new IsicTask1Reader(data), options).RunAsync(output);
        return output;
    }

    /// <summary>records.jsonl without the per-image time, line by line in file order.</summary>
    private static string[] Records(string output) =>
        [.. File.ReadAllLines(Path.Combine(output, RecordsFile.FileName)).Select(line =>
        {
            JsonObject record = JsonNode.Parse(line)!.AsObject();
            Assert.True(record.Remove("elapsed_ms"), "expected an elapsed_ms field in every record");
            return record.ToJsonString();
        })];

    private static void AssertSameOutputs(string expected, string actual)
    {
        string[] records = Records(expected);
        Assert.NotEmpty(records);
        Assert.Equal(records, Records(actual));
        Assert.Equal(File.ReadAllText(Path.Combine(expected, SkippedSamplesFile.FileName)), File.ReadAllText(Path.Combine(actual, SkippedSamplesFile.FileName)));
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "report.csv")), File.ReadAllText(Path.Combine(actual, "report.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "report.md")), File.ReadAllText(Path.Combine(actual, "report.md")));
        string[] masks = [.. Directory.GetFiles(Path.Combine(expected, "masks")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(masks, Directory.GetFiles(Path.Combine(actual, "masks")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(masks, m => Assert.Equal(File.ReadAllBytes(Path.Combine(expected, "masks", m)), File.ReadAllBytes(Path.Combine(actual, "masks", m))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RunAsync_PipelinedWithSkipInvalid_WritesWhatTheSequentialRunWrites(int parallel)
    {
        string data = DataWithThreeBadSamples();

        string sequential = await RunAsync(data, "sequential", Options(pipelined: false));
        string pipelined = await RunAsync(data, "pipelined", Options(pipelined: true, parallel));

        AssertSameOutputs(sequential, pipelined);
        Assert.Equal(5, Records(pipelined).Length);
        Assert.Equal(3, SkippedSamplesFile.Read(pipelined).Count);
    }

    [Fact]
    public async Task RunAsync_PipelinedResumeOfATruncatedRun_WritesWhatTheSequentialRunWrites()
    {
        string data = DataWithThreeBadSamples();
        string sequential = await RunAsync(data, "sequential", Options(pipelined: false));
        string pipelined = await RunAsync(data, "pipelined", Options(pipelined: true, parallel: 2));

        // Keep two complete lines and half of the third, as a killed run would leave, then resume.
        string path = Path.Combine(pipelined, RecordsFile.FileName);
        string[] lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join('\n', lines.Take(2)) + "\n" + lines[2][..(lines[2].Length / 2)]);
        EvaluationRun resumed = await new EvaluationRunner(_model, new IsicTask1Reader(data), Options(pipelined: true, parallel: 2)).RunAsync(pipelined);

        Assert.Equal(2, resumed.Resumed);
        AssertSameOutputs(sequential, pipelined);
    }

    [Fact]
    public async Task RunAsync_PipelinedShards_WriteWhatTheSequentialShardsWrite()
    {
        string data = DataWithThreeBadSamples();
        int records = 0;
        for (int k = 0; k < 2; k++)
        {
            var shard = new Shard(k, 2);
            string sequential = await RunAsync(data, $"sequential-{k}", Options(pipelined: false, shard: shard));
            string pipelined = await RunAsync(data, $"pipelined-{k}", Options(pipelined: true, parallel: 2, shard: shard));
            AssertSameOutputs(sequential, pipelined);
            records += Records(pipelined).Length;
        }

        Assert.Equal(5, records);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RunAsync_PipelinedWithoutSkipInvalid_StopsAtTheSameSampleWithTheSameRecords(int parallel)
    {
        string data = DataWithThreeBadSamples();
        string sequential = Path.Combine(_temp.Path, "sequential");
        string pipelined = Path.Combine(_temp.Path, "pipelined");

        var expected = await Assert.ThrowsAsync<DatasetException>(() => new EvaluationRunner(_model, new IsicTask1Reader(data), Options(pipelined: false, skipInvalid: false)).RunAsync(sequential));
        var actual = await Assert.ThrowsAsync<DatasetException>(() => new EvaluationRunner(_model, new IsicTask1Reader(data), Options(pipelined: true, parallel, skipInvalid: false)).RunAsync(pipelined));

        Assert.Equal(DatasetProblem.SizeMismatch, actual.Problem);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Single(Records(sequential));
        Assert.Equal(Records(sequential), Records(pipelined));
        Assert.False(File.Exists(Path.Combine(pipelined, SkippedSamplesFile.FileName)));
    }

    [Fact]
    public async Task RunAsync_PipelinedCancelledBeforeStart_ThrowsAndWritesNoRecord()
    {
        string data = DataWithThreeBadSamples();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        string output = Path.Combine(_temp.Path, "cancelled");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EvaluationRunner(_model, new IsicTask1Reader(data), Options(pipelined: true, parallel: 2)).RunAsync(output, cancellationToken: cts.Token));

        Assert.Empty(File.ReadAllText(Path.Combine(output, RecordsFile.FileName)));
    }

    [Fact]
    public void EvaluateOne_SameRealSampleTwice_SameRecordApartFromItsTime()
    {
        List<DatasetSample> samples = [.. new IsicTask1Reader(SampleData.Path("isic2018")).ReadSamples()];
        var runner = new EvaluationRunner(_model, new IsicTask1Reader(SampleData.Path("isic2018")), Options(pipelined: true));

        EvaluationRecord one = runner.EvaluateOne(samples[0], _temp.Path);

        Assert.Equal(samples[0].Id, one.ImageId);
        Assert.InRange(one.Dice, 0.0, 1.0);
        Assert.True(one.ElapsedMilliseconds > 0, $"expected a positive time; got {one.ElapsedMilliseconds}");
        string json = JsonSerializer.Serialize(one with { ElapsedMilliseconds = 0 });
        Assert.Equal(json, JsonSerializer.Serialize(runner.EvaluateOne(samples[0], _temp.Path) with { ElapsedMilliseconds = 0 }));
    }
}
