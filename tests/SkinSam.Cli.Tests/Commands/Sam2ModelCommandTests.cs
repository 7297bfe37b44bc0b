using System.Text.Json;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Cli.Tests.Commands;

/// <summary><c>segment</c>, <c>segment --everything</c> and <c>evaluate</c> with <c>--model</c> on a SAM 2.1 folder (the sam2-tiny fixture).</summary>
public sealed class Sam2ModelCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-cli-sam2-").FullName;

    private static string Sam2Model => Path.Combine(AppContext.BaseDirectory, "fixtures", "sam2-tiny");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Segment_Sam2Model_WritesTheMaskAndItsSummary()
    {
        string outDir = Path.Combine(_work, "out");

        CliRun run = await CliRun.RunAsync("segment", CliRun.Image, "--box", "20,15,180,135", "--model", Sam2Model, "--out", outDir);

        run.AssertExit(0, "sam2 segment");
        BinaryMask mask = MaskImage.Load(Path.Combine(outDir, "ISIC_0025964.mask.png"), requireBinary: true);
        Assert.Equal((200, 150), (mask.Width, mask.Height));
        using JsonDocument summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "ISIC_0025964.json")));
        Assert.Contains("sam2-tiny", summary.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("DynamicMultimaskViaStability", summary.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SegmentEverything_Sam2Model_WritesTheGeneratedMasks()
    {
        string outDir = Path.Combine(_work, "everything");

        CliRun run = await CliRun.RunAsync(
            "segment", CliRun.Image, "--everything", "--points-per-side", "3", "--pred-iou-thresh", "0", "--stability-score-thresh", "0", "--model", Sam2Model, "--out", outDir);

        run.AssertExit(0, "sam2 segment --everything");
        string json = await File.ReadAllTextAsync(Path.Combine(outDir, "ISIC_0025964.everything.json"));
        Assert.Contains("\"segmentation\"", json, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "ISIC_0025964.everything.png")));
    }

    [Fact]
    public async Task Evaluate_Sam2Model_ReportsTheModelOnEveryImage()
    {
        string data = WriteHam10000();
        string outDir = Path.Combine(_work, "eval");

        CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--model", Sam2Model, "--prompt", "box", "--parallel", "1", "--no-plots", "--out", outDir);

        run.AssertExit(0, "sam2 evaluate");
        Assert.Contains("2 images", run.Stdout, StringComparison.Ordinal);
        string report = await File.ReadAllTextAsync(Path.Combine(outDir, "report.md"));
        Assert.Contains("sam2-tiny", report, StringComparison.Ordinal);
    }

    private string WriteHam10000()
    {
        string root = Path.Combine(_work, "data");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        var csv = new System.Text.StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        for (int i = 0; i < 2; i++)
        {
            string id = $"ISIC_{i:D7}";
            File.Copy(i == 0 ? CliRun.Image : CliRun.OtherImage, Path.Combine(root, "images", id + ".jpg"));
            var mask = new BinaryMask(200, 150);
            for (int y = 40; y < 110; y++)
            {
                for (int x = 50; x < 150; x++)
                {
                    mask[x, y] = true;
                }
            }

            MaskImage.SavePng(mask, Path.Combine(root, "masks", id + "_segmentation.png"));
            csv.Append($"HAM_{i:D7},{id},nv,histo,50.0,male,back\n");
        }

        File.WriteAllText(Path.Combine(root, "metadata.csv"), csv.ToString());
        return root;
    }
}
