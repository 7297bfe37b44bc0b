using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>
/// <c>--shard auto</c> as a batch engine runs it: four <c>skinsam</c> processes started at once with a Kubernetes Indexed
/// Job's or a Slurm job array's variables, each on its own output folder, then <c>evaluate merge</c>. The merged run
/// equals one process over the whole data set: every record (but its wall time) and every report and plot file, byte
/// for byte. The data set is the committed ISIC 2018 sample (8 real images; one of the four shards holds none of them).
/// </summary>
public sealed class ShardAutoCliTests(ITestOutputHelper output) : IDisposable
{
    private const int Shards = 4;

    private static readonly string Data = Path.Combine(
        ReliabilityFixtures.RepositoryRoot, "tests", "SkinSam.Sdk.Evaluation.Tests", "TestData", "datasets", "isic2018");

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-shards-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Long")]
    public async Task Evaluate_FourKubernetesIndexedJobPodsThenMerge_EqualsOneRun()
    {
        await AssertShardsMergeToSingleRun(k => new Dictionary<string, string>
        {
            ["JOB_COMPLETION_INDEX"] = k.ToString(CultureInfo.InvariantCulture),
            ["SKINSAM_SHARD_COUNT"] = Shards.ToString(CultureInfo.InvariantCulture),
        });
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Evaluate_FourSlurmArrayTasksFromOneThenMerge_EqualsOneRun()
    {
        // sbatch --array=1-4: task ids 1..4 are shards 0/4..3/4.
        await AssertShardsMergeToSingleRun(k => new Dictionary<string, string>
        {
            ["SLURM_ARRAY_TASK_ID"] = (k + 1).ToString(CultureInfo.InvariantCulture),
            ["SLURM_ARRAY_TASK_COUNT"] = Shards.ToString(CultureInfo.InvariantCulture),
            ["SLURM_ARRAY_TASK_MIN"] = "1",
            ["SLURM_ARRAY_TASK_MAX"] = Shards.ToString(CultureInfo.InvariantCulture),
        });
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Segment_FourKubernetesIndexedJobPods_SegmentEveryImageOnceWithTheSingleRunsMasks()
    {
        string images = Path.Combine(Data, "ISIC2018_Task1-2_Training_Input");
        string[] stems = [.. Directory.GetFiles(images, "*.jpg").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];
        string[] Args(string outDir, bool auto) =>
            ["segment", images, "--box", "20,15,180,135", "--model", ReliabilityFixtures.Model("sam-tiny"), "--threads", "1", "--out", outDir, .. auto ? new[] { "--shard", "auto" } : []];

        CliProcess.Result single = await CliProcess.RunAsync(Args(Path.Combine(_work, "single"), auto: false));
        Assert.True(single.ExitCode == 0, single.ToString());
        CliProcess.Result[] parts = await Task.WhenAll(Enumerable.Range(0, Shards).Select(k => CliProcess.RunAsync(
            Args(Path.Combine(_work, $"pod-{k}"), auto: true),
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = $"{k}", ["SKINSAM_SHARD_COUNT"] = $"{Shards}" })));

        var segmented = new List<string>();
        for (int k = 0; k < Shards; k++)
        {
            Assert.True(parts[k].ExitCode == 0, $"pod {k}: {parts[k]}");
            string folder = Path.Combine(_work, $"pod-{k}");
            string[] done = Directory.Exists(folder)
                ? [.. Directory.GetFiles(folder, "*.json").Select(f => Path.GetFileName(f)[..^".json".Length])]
                : [];
            output.WriteLine($"pod {k}: {done.Length} images: {string.Join(", ", done.Order(StringComparer.Ordinal))}");
            foreach (string stem in done)
            {
                Assert.Equal(
                    File.ReadAllBytes(Path.Combine(_work, "single", stem + ".mask.png")),
                    File.ReadAllBytes(Path.Combine(folder, stem + ".mask.png")));
            }

            segmented.AddRange(done);
        }

        Assert.Equal(stems, segmented.Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Evaluate_ShardAutoWithoutEngineVariables_ExitsTwoWithOneErrorLineAndWritesNothing()
    {
        string outDir = Path.Combine(_work, "out");

        CliProcess.Result run = await CliProcess.RunAsync(
            ["evaluate", "--shard", "auto", "--data", Data, "--layout", "isic", "--model", ReliabilityFixtures.Model("sam-tiny"), "--out", outDir],
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1" });

        Assert.Equal(2, run.ExitCode);
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: shard 'auto': JOB_COMPLETION_INDEX=1 is set, but not the number of shards: expected SKINSAM_SHARD_COUNT", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.False(Directory.Exists(outDir));
    }

    private async Task AssertShardsMergeToSingleRun(Func<int, Dictionary<string, string>> environment)
    {
        string single = Path.Combine(_work, "single");
        string merged = Path.Combine(_work, "merged");
        string[] Args(string outDir, bool auto) =>
        [
            "evaluate", "--data", Data, "--layout", "isic", "--model", ReliabilityFixtures.Model("sam-tiny"),
            "--prompt", "box-jitter", "--seed", "7", "--threads", "1", "--parallel", "1", "--out", outDir, .. auto ? new[] { "--shard", "auto" } : [],
        ];

        CliProcess.Result one = await CliProcess.RunAsync(Args(single, auto: false));
        Assert.True(one.ExitCode == 0, one.ToString());

        // The four shards run at once, as the pods of a Job or the tasks of an array would.
        string[] folders = [.. Enumerable.Range(0, Shards).Select(k => Path.Combine(_work, $"shard-{k}"))];
        CliProcess.Result[] parts = await Task.WhenAll(Enumerable.Range(0, Shards).Select(k => CliProcess.RunAsync(Args(folders[k], auto: true), environment(k))));
        var shardIds = new List<string>();
        for (int k = 0; k < Shards; k++)
        {
            Assert.True(parts[k].ExitCode == 0, $"shard {k}: {parts[k]}");
            using (JsonDocument run = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folders[k], "run.json"))))
            {
                Assert.Equal($"{k}/{Shards}", run.RootElement.GetProperty("shard").GetString());
            }

            Dictionary<string, string> records = RecordLines(Path.Combine(folders[k], "records.jsonl"));
            output.WriteLine($"shard {k}: {records.Count} images; {parts[k].Stdout.Split('\n')[0].Trim()}");
            shardIds.AddRange(records.Keys);
        }

        CliProcess.Result merge = await CliProcess.RunAsync(["evaluate", "merge", .. folders, "--out", merged]);
        Assert.True(merge.ExitCode == 0, merge.ToString());

        // Every image in exactly one shard, and at least one shard empty: the sample's ids hash to three of the four.
        Dictionary<string, string> singleRecords = RecordLines(Path.Combine(single, "records.jsonl"));
        Assert.Equal(singleRecords.Keys.Order(StringComparer.Ordinal), shardIds.Order(StringComparer.Ordinal));
        Assert.Equal(8, singleRecords.Count);
        Assert.Contains(folders, f => !File.Exists(Path.Combine(f, "records.jsonl")) || new FileInfo(Path.Combine(f, "records.jsonl")).Length == 0);

        // The merged records are the single run's, but their wall time.
        Dictionary<string, string> mergedRecords = RecordLines(Path.Combine(merged, "records.jsonl"));
        Assert.Equal(singleRecords.Keys.Order(StringComparer.Ordinal), mergedRecords.Keys.Order(StringComparer.Ordinal));
        foreach ((string id, string line) in singleRecords)
        {
            Assert.Equal(WithoutTiming(line), WithoutTiming(mergedRecords[id]));
        }

        // run.json, report.md/csv/json and every plot: byte for byte.
        string[] files = VisibleFiles(single).Where(f => f != "records.jsonl").ToArray();
        Assert.Equal(files, VisibleFiles(merged).Where(f => f != "records.jsonl"));
        Assert.Contains("report.json", files);
        Assert.Contains(files, f => f.StartsWith("plots/", StringComparison.Ordinal));
        foreach (string file in files)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(single, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))),
                $"{file} of the merged run differs from the single run's");
        }

        output.WriteLine($"merged = single: {mergedRecords.Count} records, {files.Length} files; {merge.Stdout.Split('\n')[0].Trim()}");
    }

    private static Dictionary<string, string> RecordLines(string path)
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return lines;
        }

        foreach (string line in Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string id = JsonNode.Parse(line)!["image_id"]!.GetValue<string>();
            Assert.True(lines.TryAdd(id, line), $"{id} is recorded twice in {path}");
        }

        return lines;
    }

    private static string WithoutTiming(string line)
    {
        JsonObject record = JsonNode.Parse(line)!.AsObject();
        Assert.True(record.Remove("elapsed_ms"));
        return record.ToJsonString();
    }

    private static string[] VisibleFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
