using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Cli.Tests.Commands;

/// <summary><c>evaluate</c>: an unusable sample stops the run with how to skip it; <c>--skip-invalid</c> lists it and goes on.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-cli-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Evaluate_WrongSizeMaskWithoutSkipInvalid_ExitsOneSayingHowToSkip()
    {
        string data = WriteHam10000WithOneWrongSizeMask();

        CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--baseline", "box", "--prompt", "box", "--parallel", "1", "--no-plots", "--out", Path.Combine(_work, "out"));

        run.AssertExit(1, "wrong-size mask");
        Assert.Contains("ISIC_0000002_segmentation.png", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--skip-invalid", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_WrongSizeMaskWithSkipInvalid_ExitsZeroAndReportListsTheSample()
    {
        string data = WriteHam10000WithOneWrongSizeMask();
        string outDir = Path.Combine(_work, "out");

        CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--baseline", "box", "--prompt", "box", "--skip-invalid", "--no-plots", "--out", outDir);

        run.AssertExit(0, "skip invalid");
        Assert.Contains("3 images", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 skipped", run.Stdout, StringComparison.Ordinal);
        string report = await File.ReadAllTextAsync(Path.Combine(outDir, "report.md"));
        Assert.Contains("| ISIC_0000002 | SizeMismatch |", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_MissingMaskWithSkipInvalid_ExitsZeroListingTheSampleWithItsReason()
    {
        string data = WriteHam10000WithOneWrongSizeMask();
        string mask = Path.Combine(data, "masks", "ISIC_0000001_segmentation.png");
        File.Delete(mask);
        string outDir = Path.Combine(_work, "out");

        CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--baseline", "box", "--prompt", "box", "--skip-invalid", "--no-plots", "--out", outDir);

        run.AssertExit(0, "missing mask, skip invalid");
        Assert.Contains("2 images", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 skipped", run.Stdout, StringComparison.Ordinal);
        string[] skipped = await File.ReadAllLinesAsync(Path.Combine(outDir, "skipped.jsonl"));
        string missing = Assert.Single(skipped, l => l.Contains("\"image_id\":\"ISIC_0000001\"", StringComparison.Ordinal));
        Assert.Contains("\"problem\":\"MissingMask\"", missing, StringComparison.Ordinal);
        Assert.Contains("ISIC_0000001_segmentation.png", missing, StringComparison.Ordinal);
        Assert.Contains("no such file", missing, StringComparison.Ordinal);
        string report = await File.ReadAllTextAsync(Path.Combine(outDir, "report.md"));
        Assert.Contains("| ISIC_0000001 | MissingMask |", report, StringComparison.Ordinal);
        Assert.Contains("| ISIC_0000002 | SizeMismatch |", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_MissingMaskWithoutSkipInvalid_ExitsOneNamingTheMaskAndSayingHowToSkip()
    {
        string data = WriteHam10000WithOneWrongSizeMask();
        File.Delete(Path.Combine(data, "masks", "ISIC_0000001_segmentation.png"));

        CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--baseline", "box", "--prompt", "box", "--parallel", "1", "--no-plots", "--out", Path.Combine(_work, "out"));

        run.AssertExit(1, "missing mask");
        string error = Assert.Single(run.Stderr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("ISIC_0000001_segmentation.png", error, StringComparison.Ordinal);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
        Assert.Contains("--skip-invalid", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Four real images in the HAM10000 flat layout; the mask of ISIC_0000002 is 10 px too narrow.</summary>
    private string WriteHam10000WithOneWrongSizeMask()
    {
        string root = Path.Combine(_work, "data");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        var csv = new System.Text.StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        for (int i = 0; i < 4; i++)
        {
            string id = $"ISIC_{i:D7}";
            File.Copy(i % 2 == 0 ? CliRun.Image : CliRun.OtherImage, Path.Combine(root, "images", id + ".jpg"));
            var mask = new BinaryMask(i == 2 ? 190 : 200, 150);
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
