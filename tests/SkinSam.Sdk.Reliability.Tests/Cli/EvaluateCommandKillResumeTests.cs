using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Masks;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>
/// No data lost: <c>skinsam evaluate</c> killed right after it starts, and again in the middle of a run, resumes into
/// the same <c>--out</c> and finishes with every image recorded exactly once, no torn record, and every output file
/// (records' metrics, saved masks, report.md/csv/json, plots) equal to an uninterrupted run of the same command.
/// </summary>
/// <remarks>The data set is generated here in the HAM10000 layout the evaluator reads (it never uses ../shared).</remarks>
[Trait("Category", "Long")]
public sealed partial class EvaluateCommandKillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int ImageCount = 40;
    private const int Width = 160;
    private const int Height = 120;
    private const int KillAfterRecords = 6;
    private static readonly string[] LesionTypes = ["nv", "mel", "bkl", "bcc", "akiec"];
    private static readonly TimeSpan RunGuard = TimeSpan.FromMinutes(2);

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-evalkill-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Evaluate_KilledAtStartAndMidRunThenRerun_EveryImageRecordedOnceAndOutputsEqualUninterruptedRun()
    {
        var total = Stopwatch.StartNew();
        string data = Path.Combine(_work, "data");
        string[] ids = WriteHam10000Flat(data);
        string reference = Path.Combine(_work, "reference");
        string outDir = Path.Combine(_work, "out");
        string records = Path.Combine(outDir, "records.jsonl");

        // The uninterrupted run that the resumed one must equal.
        CliRun full = await RunCli(data, reference, killWhen: null);
        Assert.True(full.ExitedByItself && full.ExitCode == 0, $"reference run: exit {full.ExitCode}; stderr: {full.Stderr}");
        Dictionary<string, string> referenceLines = ReadRecordLines(Path.Combine(reference, "records.jsonl"), out bool referenceTorn);
        Assert.False(referenceTorn);
        Assert.Equal(ids, referenceLines.Keys.Order(StringComparer.Ordinal));

        // Kill 1: right after start, as soon as run.json exists (before or at the very first record).
        CliRun early = await RunCli(data, outDir, killWhen: () => File.Exists(Path.Combine(outDir, "run.json")));
        Dictionary<string, string> afterEarly = ReadRecordLines(records, out bool tornEarly);
        output.WriteLine($"kill 1 (at start): exit {early.ExitCode} after {early.Elapsed.TotalSeconds:0.0} s; {afterEarly.Count} complete records, torn last line: {tornEarly}");
        Assert.False(early.ExitedByItself, "the CLI finished before the early kill; the test proves nothing");
        Assert.InRange(afterEarly.Count, 0, ImageCount - 1);
        AssertCompleteOutputs(outDir, afterEarly.Keys, ids);

        // Kill 2: in the middle, once a few more records are on disk.
        int killAt = afterEarly.Count + KillAfterRecords;
        CliRun middle = await RunCli(data, outDir, killWhen: () => CompleteLineCount(records) >= killAt);
        Dictionary<string, string> afterMiddle = ReadRecordLines(records, out bool tornMiddle);
        output.WriteLine($"kill 2 (mid-run): exit {middle.ExitCode} after {middle.Elapsed.TotalSeconds:0.0} s; {afterMiddle.Count} complete records, torn last line: {tornMiddle}");
        Assert.False(middle.ExitedByItself, "the CLI finished before the mid-run kill; the test proves nothing");
        Assert.InRange(afterMiddle.Count, killAt, ImageCount - 1);
        Assert.All(afterEarly.Keys, id => Assert.Contains(id, afterMiddle.Keys));
        AssertCompleteOutputs(outDir, afterMiddle.Keys, ids);

        // A kill inside the write of a line leaves it torn (RecordsFile documents this). A SIGKILL rarely lands inside
        // the one write() of a line, so when it did not, leave the torn line of the next image by hand: the resume must
        // drop it and evaluate that image again, once.
        if (!tornMiddle)
        {
            string next = ids.First(id => !afterMiddle.ContainsKey(id));
            string line = referenceLines[next];
            await File.AppendAllTextAsync(records, line[..(line.Length / 2)]);
            output.WriteLine($"appended half a record of {next} ({line.Length / 2} of {line.Length} bytes) as a torn last line");
        }

        // A kill between creating an atomic write's temporary file and its rename leaves the file behind (the kills
        // above may or may not have); leave one by hand as well. The rerun must sweep every one of them.
        Directory.CreateDirectory(Path.Combine(outDir, "masks"));
        await File.WriteAllTextAsync(Path.Combine(outDir, "masks", $".{ids[0]}.png.{Guid.NewGuid():N}.tmp"), "half a png");
        output.WriteLine($"hidden temporary files before the rerun: {Directory.GetFiles(outDir, ".*.tmp", SearchOption.AllDirectories).Length}");

        // Rerun to completion.
        CliRun resume = await RunCli(data, outDir, killWhen: null);
        Assert.True(resume.ExitedByItself && resume.ExitCode == 0, $"resumed run: exit {resume.ExitCode}; stderr: {resume.Stderr}");
        Match summary = SummaryLine().Match(resume.Stdout);
        Assert.True(summary.Success, $"expected a summary line 'N images (R resumed)'; got stdout: {resume.Stdout}");
        int summaryImages = int.Parse(summary.Groups["n"].Value, CultureInfo.InvariantCulture);
        int resumed = int.Parse(summary.Groups["resumed"].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"rerun: exit 0 after {resume.Elapsed.TotalSeconds:0.0} s; {summaryImages} images ({resumed} resumed); " +
            $"reference run {full.Elapsed.TotalSeconds:0.0} s; test total {total.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(ImageCount, summaryImages);
        Assert.Equal(afterMiddle.Count, resumed);

        // Every image exactly once, no torn line, metrics equal to the uninterrupted run.
        byte[] finalBytes = File.ReadAllBytes(records);
        Assert.Equal((byte)'\n', finalBytes[^1]);
        string[] finalLines = Encoding.UTF8.GetString(finalBytes).Split('\n')[..^1];
        Assert.Equal(ImageCount, finalLines.Length);
        var finalIds = finalLines.Select(l => JsonNode.Parse(l)!["image_id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids, finalIds.Order(StringComparer.Ordinal));
        foreach (string line in finalLines)
        {
            string id = JsonNode.Parse(line)!["image_id"]!.GetValue<string>();
            Assert.Equal(WithoutTiming(referenceLines[id]), WithoutTiming(line));
        }

        // Records that survived a kill were kept as they were, not redone.
        Assert.All(afterMiddle, kv => Assert.Contains(kv.Value, finalLines));

        // Every other output file (run.json, report.md/csv/json, masks/, plots/) equals the uninterrupted run's.
        AssertCompleteOutputs(outDir, ids, ids);
        string[] produced = VisibleFiles(outDir).Where(f => f != "records.jsonl").ToArray();
        Assert.Equal(VisibleFiles(reference).Where(f => f != "records.jsonl"), produced);
        Assert.Contains("report.md", produced);
        Assert.Contains("report.csv", produced);
        Assert.Contains("report.json", produced);
        foreach (string file in produced)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(reference, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, file))),
                $"{file} differs from the uninterrupted run's");
        }

        using JsonDocument report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "report.json")));
        JsonElement groups = report.RootElement.GetProperty("runs")[0].GetProperty("groups");
        int[] counts = [.. groups.EnumerateArray().Select(g => g.GetProperty("n").GetInt32())];
        Assert.Contains(ImageCount, counts);
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp", SearchOption.AllDirectories));
    }

    [GeneratedRegex(@": (?<n>\d+) images \((?<resumed>\d+) resumed\) in ")]
    private static partial Regex SummaryLine();

    /// <summary>The record lines of a file by image id; a last line without its newline is reported as torn, not read.</summary>
    private static Dictionary<string, string> ReadRecordLines(string path, out bool tornLastLine)
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        tornLastLine = false;
        if (!File.Exists(path))
        {
            return lines;
        }

        string[] parts = Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\n');
        tornLastLine = parts[^1].Length > 0;
        foreach (string line in parts[..^1])
        {
            // Every complete line is a whole record object; an id appears once.
            using JsonDocument doc = JsonDocument.Parse(line);
            string id = doc.RootElement.GetProperty("image_id").GetString()!;
            Assert.True(doc.RootElement.TryGetProperty("mask_rle", out _), $"record of {id} has no mask_rle");
            Assert.True(lines.TryAdd(id, line), $"{id} is recorded twice in {path}");
        }

        return lines;
    }

    /// <summary>The record without its wall time, the one field that differs between runs.</summary>
    private static string WithoutTiming(string line)
    {
        JsonObject record = JsonNode.Parse(line)!.AsObject();
        Assert.True(record.Remove("elapsed_ms"));
        return record.ToJsonString();
    }

    private static int CompleteLineCount(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes.Count(b => b == (byte)'\n');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return 0;
        }
    }

    /// <summary>Paths (relative, '/'-separated, ordinal order) of everything a reader would take as output: no hidden temporary files.</summary>
    private static string[] VisibleFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every visible file is a whole output: no visible temporary file, run.json parses, each saved mask decodes.</summary>
    private static void AssertCompleteOutputs(string outDir, IEnumerable<string> recorded, string[] ids)
    {
        foreach (string file in VisibleFiles(outDir))
        {
            Assert.DoesNotContain(".tmp", file, StringComparison.Ordinal);
        }

        using (JsonDocument run = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "run.json"))))
        {
            Assert.Equal("sam-tiny", run.RootElement.GetProperty("model").GetString());
        }

        string masks = Path.Combine(outDir, "masks");
        string[] saved = Directory.Exists(masks) ? Directory.GetFiles(masks, "*.png") : [];
        foreach (string path in saved)
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(path), ids);
            BinaryMask mask = SkinSam.Sdk.ImageSharp.MaskImage.Load(path, requireBinary: true);
            Assert.Equal((Width, Height), (mask.Width, mask.Height));
        }

        // A record is appended after its mask is saved: every recorded image has its mask.
        foreach (string id in recorded)
        {
            Assert.True(File.Exists(Path.Combine(masks, id + ".png")), $"{id} is recorded without its saved mask");
        }
    }

    /// <summary>
    /// Writes a HAM10000 data set in the flat layout (images/ISIC_*.jpg, masks/ISIC_*_segmentation.png, metadata.csv):
    /// skin-coloured images with a dark rotated ellipse, its 0/255 mask, lesion types spread over five classes.
    /// </summary>
    private static string[] WriteHam10000Flat(string root)
    {
        string images = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        string masks = Directory.CreateDirectory(Path.Combine(root, "masks")).FullName;
        var metadata = new StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        var ids = new string[ImageCount];
        for (int i = 0; i < ImageCount; i++)
        {
            string id = ids[i] = $"ISIC_{9_000_000 + i:D7}";
            double cx = Width * (0.35 + (0.3 * ((i * 7) % 11) / 10.0));
            double cy = Height * (0.35 + (0.3 * ((i * 5) % 7) / 6.0));
            double rx = Width * (0.12 + (0.02 * (i % 6)));
            double ry = Height * (0.12 + (0.03 * (i % 5)));
            double angle = i * 0.4;
            (double cos, double sin) = (Math.Cos(angle), Math.Sin(angle));
            using var image = new Image<Rgb24>(Width, Height);
            using var mask = new Image<L8>(Width, Height);
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    double u = (((x - cx) * cos) + ((y - cy) * sin)) / rx;
                    double v = ((-(x - cx) * sin) + ((y - cy) * cos)) / ry;
                    double r = (u * u) + (v * v);
                    int noise = (int)((((uint)((x * 73856093) ^ (y * 19349663) ^ (i * 83492791))) % 17) - 8);
                    bool inside = r <= 1;
                    int shade = inside ? (int)(40 * r) : 0;
                    image[x, y] = inside
                        ? new Rgb24(Clamp(110 + shade + noise + (i % 3 * 10)), Clamp(70 + shade + noise), Clamp(55 + shade + noise))
                        : new Rgb24(Clamp(220 - (y / 8) + noise), Clamp(175 - (x / 12) + noise), Clamp(150 + noise));
                    mask[x, y] = new L8(inside ? (byte)255 : (byte)0);
                }
            }

            image.SaveAsJpeg(Path.Combine(images, id + ".jpg"), new JpegEncoder { Quality = 90 });
            mask.SaveAsPng(Path.Combine(masks, id + "_segmentation.png"));
            metadata.Append(CultureInfo.InvariantCulture, $"HAM_{1_000_000 + (i / 2):D7},{id},{LesionTypes[i % LesionTypes.Length]},histo,{30 + (i % 40)}.0,{(i % 2 == 0 ? "male" : "female")},back\n");
        }

        File.WriteAllText(Path.Combine(root, "metadata.csv"), metadata.ToString());
        return ids;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    private static string CliDll()
    {
        string root = ReliabilityFixtures.RepositoryRoot;
        string testProject = Path.Combine(root, "tests", "SkinSam.Sdk.Reliability.Tests");
        string relative = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        string dll = Path.Combine(root, "samples", "SkinSam.Cli", relative, "skinsam.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"Expected the CLI build output at '{dll}' (the test project builds samples/SkinSam.Cli first); got no such file.", dll);
    }

    /// <summary>
    /// Runs <c>skinsam evaluate</c> (jittered boxes, seed 7, two images in flight, saved masks); with
    /// <paramref name="killWhen"/>, kills the process tree as soon as it returns true (polled every 5 ms).
    /// </summary>
    private static async Task<CliRun> RunCli(string data, string outDir, Func<bool>? killWhen)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            CliDll(), "evaluate", "--data", data, "--layout", "ham10000", "--model", ReliabilityFixtures.Model("sam-tiny"),
            "--prompt", "box-jitter", "--seed", "7", "--parallel", "2", "--threads", "1", "--save-masks", "--out", outDir,
        ];
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(RunGuard);
        bool killed = false;
        try
        {
            while (killWhen is not null && !process.HasExited)
            {
                if (killWhen())
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                    break;
                }

                await Task.Delay(5, guard.Token);
            }

            await process.WaitForExitAsync(guard.Token);
            return new CliRun(
                ExitedByItself: !killed || process.ExitCode == 0,
                process.ExitCode,
                await stdout.WaitAsync(guard.Token),
                await stderr.WaitAsync(guard.Token),
                watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skinsam evaluate did not finish within {RunGuard}.");
        }
    }

    private sealed record CliRun(bool ExitedByItself, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);
}
