using System.Diagnostics;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>
/// <c>skinsam segment --everything</c>: the JSON is segment_anything's amg.py coco_rle format (a list of annotations
/// with compressed counts) and holds exactly the masks the SDK's generator finds in-process; bad generator options are
/// a usage error (exit 2, one error line).
/// </summary>
public sealed class SegmentEverythingCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-everything-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Long")]
    public async Task Everything_SmallGrid_WritesAmgJsonEqualToTheGeneratorAndAnOverlay()
    {
        ImageBuffer buffer = ReliabilityFixtures.SyntheticImage(160, 120, 3);
        string imagePath = Path.Combine(_work, "lesion.png");
        using (Image<Rgb24> image = Image.LoadPixelData<Rgb24>(buffer.Pixels.Span, buffer.Width, buffer.Height))
        {
            await image.SaveAsPngAsync(imagePath);
        }

        string outDir = Path.Combine(_work, "out");
        (int code, string stdout, string stderr) = await RunCli(imagePath, "--everything", "--points-per-side", "5", "--pred-iou-thresh", "0.45", "--stability-score-thresh", "0.45", "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("lesion.everything.json", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "lesion.everything.png")));
        using SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        IReadOnlyList<GeneratedMask> expected = new AutomaticMaskGenerator(model, new AutomaticMaskGeneratorOptions { PointsPerSide = 5, PredIouThresh = 0.45, StabilityScoreThresh = 0.45 }).Generate(buffer);
        using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "lesion.everything.json")));
        JsonElement[] annotations = [.. doc.RootElement.EnumerateArray()];
        Assert.NotEmpty(annotations);
        Assert.Equal(expected.Count, annotations.Length);
        for (int i = 0; i < annotations.Length; i++)
        {
            JsonElement a = annotations[i];
            Assert.Equal(["segmentation", "area", "bbox", "predicted_iou", "point_coords", "stability_score", "crop_box"], a.EnumerateObject().Select(p => p.Name));
            JsonElement segmentation = a.GetProperty("segmentation");
            Assert.Equal([120, 160], segmentation.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()));
            CocoRle rle = CocoRle.FromCompressedString(segmentation.GetProperty("counts").GetString()!, 160, 120);
            Assert.True(expected[i].Rle.Counts.SequenceEqual(rle.Counts), $"annotation {i}: other mask");
            Assert.Equal(expected[i].Area, a.GetProperty("area").GetInt32());
            Assert.Equal(expected[i].PredictedIou, a.GetProperty("predicted_iou").GetSingle());
            Assert.Equal(expected[i].PointX, a.GetProperty("point_coords")[0][0].GetDouble());
            Assert.Equal([0, 0, 160, 120], a.GetProperty("crop_box").EnumerateArray().Select(v => v.GetInt32()));
        }
    }

    [Theory]
    [InlineData("--points-per-side", "0")]
    [InlineData("--pred-iou-thresh", "1.5")]
    [InlineData("--box", "1,1,5,5")]
    public async Task Everything_BadOption_ExitsTwoWithOneErrorLine(string option, string value)
    {
        (int code, _, string stderr) = await RunCli(Path.Combine(_work, "missing.png"), "--everything", option, value, "--model", ReliabilityFixtures.Model("sam-tiny"));

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunCli(string image, params string[] args)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll());
        start.ArgumentList.Add("segment");
        start.ArgumentList.Add(image);
        if (!args.Contains("--model"))
        {
            start.ArgumentList.Add("--model");
            start.ArgumentList.Add(ReliabilityFixtures.Model("sam-tiny"));
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add("1");
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string CliDll()
    {
        string root = ReliabilityFixtures.RepositoryRoot;
        string testProject = Path.Combine(root, "tests", "SkinSam.Sdk.Reliability.Tests");
        string relative = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        return Path.Combine(root, "samples", "SkinSam.Cli", relative, "skinsam.dll");
    }
}
