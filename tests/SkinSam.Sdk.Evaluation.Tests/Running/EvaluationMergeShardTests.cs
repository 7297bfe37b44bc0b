using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

/// <summary><see cref="EvaluationMerge"/> refuses shard runs that are not every shard of one count once.</summary>
public sealed class EvaluationMergeShardTests
{
    private static readonly SkinSam.Sdk.Metrics.BootstrapOptions Bootstrap = new() { Resamples = 200 };

    [Fact]
    public async Task Merge_AShardMissing_ThrowsNamingTheMissingShard()
    {
        using var temp = new TempFolder();
        string[] folders = await RunShards(temp, 3, [0, 2]);

        var ex = Assert.Throws<EvaluationOutputException>(() => EvaluationMerge.Merge(folders, Path.Combine(temp.Path, "merged"), Bootstrap, exampleCount: -1));

        Assert.Contains("expected every shard 0/3 to 2/3 to merge; got 2, missing 1/3", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "merged")));
    }

    [Fact]
    public async Task Merge_ShardsOfTwoCounts_ThrowsNamingBoth()
    {
        using var temp = new TempFolder();
        string[] folders = [.. await RunShards(temp, 2, [0]), .. await RunShards(temp, 4, [1])];

        var ex = Assert.Throws<EvaluationOutputException>(() => EvaluationMerge.Merge(folders, Path.Combine(temp.Path, "merged"), Bootstrap, exampleCount: -1));

        Assert.Contains("expected every run to be a shard of 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got shard 1/4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_AShardTwice_ThrowsNamingBothFolders()
    {
        using var temp = new TempFolder();
        string[] folders = await RunShards(temp, 2, [0, 1]);
        string copy = Path.Combine(temp.Path, "copy-of-0");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(folders[0]))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var ex = Assert.Throws<EvaluationOutputException>(() => EvaluationMerge.Merge([.. folders, copy], Path.Combine(temp.Path, "merged"), Bootstrap, exampleCount: -1));

        Assert.Contains("expected each shard once; got shard 0/2 also in", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_EveryShardSomeEmpty_EqualsTheSingleRun()
    {
        // Three images over eight shards: most shards are empty, and their folders hold run.json alone (as the CLI
        // writes for a shard with nothing to do).
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 3);
        using var model = new ShapeBaselineModel(BaselineShape.Ellipse);
        await new EvaluationRunner(model, new Ham10000Reader(data), Options(Shard.All)).RunAsync(Path.Combine(temp.Path, "single"));
        var folders = new List<string>();
        for (int k = 0; k < 8; k++)
        {
            var runner = new EvaluationRunner(model, new Ham10000Reader(data), Options(new Shard(k, 8)));
            string folder = Path.Combine(temp.Path, $"shard{k}");
            if (runner.SelectSamples().Count > 0)
            {
                await runner.RunAsync(folder);
            }
            else
            {
                Directory.CreateDirectory(folder);
                runner.Description.Write(folder);
            }

            folders.Add(folder);
        }

        EvaluationMerge.Merge(folders, Path.Combine(temp.Path, "merged"), Bootstrap, exampleCount: -1);

        Assert.Equal(File.ReadAllText(Path.Combine(temp.Path, "single", "report.csv")), File.ReadAllText(Path.Combine(temp.Path, "merged", "report.csv")));
    }

    private static async Task<string[]> RunShards(TempFolder temp, int count, int[] indices)
    {
        string data = Path.Combine(temp.Path, "data");
        if (!Directory.Exists(data))
        {
            FakeDatasets.WriteHam10000Flat(data, 12);
        }

        using var model = new ShapeBaselineModel(BaselineShape.Box);
        var folders = new List<string>();
        foreach (int k in indices)
        {
            string folder = Path.Combine(temp.Path, $"shard{k}of{count}");
            await new EvaluationRunner(model, new Ham10000Reader(data), Options(new Shard(k, count))).RunAsync(folder);
            folders.Add(folder);
        }

        return [.. folders];
    }

    private static EvaluationOptions Options(Shard shard) => new()
    {
        Prompt = PromptStrategy.BoxJitter(5),
        Shard = shard,
        WritePlots = false,
        Bootstrap = Bootstrap,
    };
}
