using System.Diagnostics;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using Xunit.Abstractions;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>
/// No data lost: <c>skinsam segment</c> killed in the middle of a folder leaves only complete outputs, and a rerun with
/// <c>--skip-existing</c> finishes the folder with every image's outputs present exactly once.
/// </summary>
[Trait("Category", "Long")]
public sealed class SegmentCommandKillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int ImageCount = 40;
    private const int KillAfterLines = 5;
    private static readonly string[] OutputSuffixes = [".mask.png", ".overlay.png", ".json"];
    private static readonly TimeSpan RunGuard = TimeSpan.FromMinutes(3);

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-kill-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Segment_KilledMidRunThenRerunWithSkipExisting_EveryImageHasCompleteOutputsOnce()
    {
        string images = Path.Combine(_work, "images");
        string outDir = Path.Combine(_work, "out");
        Directory.CreateDirectory(images);
        for (int i = 0; i < ImageCount; i++)
        {
            ImageBuffer buffer = ReliabilityFixtures.SyntheticImage(160, 120, i);
            using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(buffer.Pixels.Span, buffer.Width, buffer.Height);
            await image.SaveAsPngAsync(Path.Combine(images, $"lesion-{i:D2}.png"));
        }

        // First run: killed once a few images are done.
        (int killedLines, bool exitedByItself) = await RunCli(images, outDir, skipExisting: false, killAfterLines: KillAfterLines);
        string[] afterKill = FinalNames(outDir);
        int jsonAfterKill = afterKill.Count(f => f.EndsWith(".json", StringComparison.Ordinal));
        Dictionary<string, byte[]> firstRunJson = afterKill.Where(f => f.EndsWith(".json", StringComparison.Ordinal))
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(outDir, f)));
        output.WriteLine($"killed after {killedLines} lines (exited by itself: {exitedByItself}); {afterKill.Length} final files, {jsonAfterKill} .json, " +
            $"{Directory.GetFiles(outDir).Length - afterKill.Length} hidden temp files");
        Assert.False(exitedByItself, "the CLI finished all images before it could be killed; the test proves nothing");
        Assert.InRange(jsonAfterKill, KillAfterLines, ImageCount - 1);
        AssertEveryVisibleFileComplete(outDir);

        // A kill between creating an atomic write's temporary file and its rename leaves that file; leave one by hand
        // too, so the sweep is always exercised.
        await File.WriteAllTextAsync(Path.Combine(outDir, $".lesion-00.overlay.png.{Guid.NewGuid():N}.tmp"), "half a png");

        // Second run resumes: images with a .json are skipped, the rest (including a half-done one) are redone.
        (_, bool finished) = await RunCli(images, outDir, skipExisting: true, killAfterLines: int.MaxValue);
        Assert.True(finished);
        AssertEveryVisibleFileComplete(outDir);
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp"));
        string[] final = FinalNames(outDir);
        var expected = Enumerable.Range(0, ImageCount)
            .SelectMany(i => OutputSuffixes.Select(s => $"lesion-{i:D2}{s}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, final);

        // Skipped images were not rewritten.
        foreach ((string name, byte[] bytes) in firstRunJson)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(outDir, name)));
        }
    }

    /// <summary>Names a reader would take as results: everything except hidden temporary files (".name.guid.tmp").</summary>
    private static string[] FinalNames(string outDir) =>
        Directory.Exists(outDir)
            ? Directory.GetFiles(outDir).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => n!).Order(StringComparer.Ordinal).ToArray()
            : [];

    private static void AssertEveryVisibleFileComplete(string outDir)
    {
        foreach (string name in FinalNames(outDir))
        {
            string path = Path.Combine(outDir, name);
            Assert.DoesNotContain(".tmp", name, StringComparison.Ordinal);
            if (name.EndsWith(".mask.png", StringComparison.Ordinal))
            {
                BinaryMask mask = MaskImage.Load(path, requireBinary: true);
                Assert.Equal((160, 120), (mask.Width, mask.Height));
            }
            else if (name.EndsWith(".overlay.png", StringComparison.Ordinal))
            {
                ImageBuffer overlay = ImageFile.Load(path);
                Assert.Equal((160, 120), (overlay.Width, overlay.Height));
            }
            else
            {
                Assert.EndsWith(".json", name, StringComparison.Ordinal);
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
                Assert.Equal(160, doc.RootElement.GetProperty("width").GetInt32());

                // The .json is written last: its mask and overlay must exist.
                string stem = name[..^".json".Length];
                Assert.True(File.Exists(Path.Combine(outDir, stem + ".mask.png")), $"{name} exists without its mask");
                Assert.True(File.Exists(Path.Combine(outDir, stem + ".overlay.png")), $"{name} exists without its overlay");
            }
        }
    }

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

    private static async Task<(int Lines, bool ExitedByItself)> RunCli(string images, string outDir, bool skipExisting, int killAfterLines)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[CliDll(), "segment", images, "--box", "20,15,140,105", "--model", ReliabilityFixtures.Model("sam-tiny"), "--out", outDir, "--threads", "1"])
        {
            start.ArgumentList.Add(arg);
        }

        if (skipExisting)
        {
            start.ArgumentList.Add("--skip-existing");
        }

        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        int lines = 0;
        using var guard = new CancellationTokenSource(RunGuard);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(guard.Token) is not null)
            {
                if (++lines >= killAfterLines)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(guard.Token);
                    return (lines, false);
                }
            }

            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skinsam segment did not finish within {RunGuard}; stderr: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"skinsam segment exited with {process.ExitCode}; stderr: {await stderr}");
        return (lines, true);
    }
}
