using System.Text.Json;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Cli.Tests.Commands;

/// <summary><c>segment</c>: several boxes per image, <c>--prompts</c> JSON Lines, the summary line and <c>--skip-existing</c>.</summary>
public sealed class SegmentCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-cli-segment-").FullName;

    private string Out => Path.Combine(_work, "out");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Segment_TwoBoxes_OneMaskPerBoxByIndexAndOneCombinedOverlay()
    {
        CliRun run = await CliRun.RunAsync("segment", CliRun.Image, "--box", "20,15,100,90", "--box", "90,60,180,140", "--model", CliRun.Model, "--out", Out);

        run.AssertExit(0, "two boxes");
        string stem = Path.Combine(Out, "ISIC_0025964");
        BinaryMask first = MaskImage.Load(stem + ".box0.mask.png", requireBinary: true);
        BinaryMask second = MaskImage.Load(stem + ".box1.mask.png", requireBinary: true);
        Assert.Equal((200, 150), (first.Width, first.Height));
        Assert.False(File.Exists(stem + ".mask.png"), "a single-box name was written for a two-box run");
        Assert.True(File.Exists(stem + ".overlay.png"));
        using JsonDocument summary = JsonDocument.Parse(await File.ReadAllTextAsync(stem + ".json"));
        JsonElement masks = summary.RootElement.GetProperty("masks");
        Assert.Equal(2, masks.GetArrayLength());
        Assert.Equal("ISIC_0025964.box1.mask.png", masks[1].GetProperty("file").GetString());
        Assert.Equal([90f, 60f, 180f, 140f], masks[1].GetProperty("prompt").GetProperty("box").EnumerateArray().Select(e => e.GetSingle()));
        Assert.Equal(second.Area, masks[1].GetProperty("area").GetInt32());
        Assert.Contains($"-> {stem}.box0.mask.png", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segment_PromptsFile_EachLineItsImageAndPromptsRelativeToTheFile()
    {
        string images = Directory.CreateDirectory(Path.Combine(_work, "batch")).FullName;
        File.Copy(CliRun.Image, Path.Combine(images, "one.jpg"));
        File.Copy(CliRun.OtherImage, Path.Combine(images, "two.jpg"));
        string prompts = Path.Combine(images, "prompts.jsonl");
        await File.WriteAllTextAsync(prompts, """
            {"image": "one.jpg", "boxes": [[20, 15, 100, 90], [90, 60, 180, 140]]}

            {"image": "two.jpg", "boxes": [[30, 20, 150, 120]], "points": [[90, 70], [5, 5, 0]]}
            """);

        CliRun run = await CliRun.RunAsync("segment", "--prompts", prompts, "--model", CliRun.Model, "--out", Out);

        run.AssertExit(0, "prompts file");
        Assert.True(File.Exists(Path.Combine(Out, "one.box0.mask.png")));
        Assert.True(File.Exists(Path.Combine(Out, "one.box1.mask.png")));
        Assert.True(File.Exists(Path.Combine(Out, "two.mask.png")));
        using JsonDocument two = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "two.json")));
        Assert.Equal(2, two.RootElement.GetProperty("prompt").GetProperty("points").GetArrayLength());
        Assert.Contains("done 2, failed 0, skipped 0 of 2", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segment_PromptsFileWithABadLine_NamesFileAndLineAndWritesNothing()
    {
        string prompts = Path.Combine(_work, "prompts.jsonl");
        await File.WriteAllTextAsync(prompts, $"{{\"image\": \"{CliRun.Image}\", \"boxes\": [[20, 15, 100, 90]]}}\n{{\"image\": \"{CliRun.Image}\", \"box\": [1,2,3,4]}}\n");

        CliRun run = await CliRun.RunAsync("segment", "--prompts", prompts, "--model", CliRun.Model, "--out", Out);

        run.AssertExit(2, "bad line");
        Assert.Contains($"{prompts}:2", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"box\"", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task Segment_SkipExisting_CountsSkippedInTheSummary()
    {
        string[] args = ["segment", CliRun.Image, CliRun.OtherImage, "--box", "20,15,140,105", "--model", CliRun.Model, "--out", Out];
        (await CliRun.RunAsync(args)).AssertExit(0, "first run");
        File.Delete(Path.Combine(Out, "ISIC_0029149.json"));

        CliRun rerun = await CliRun.RunAsync([.. args, "--skip-existing"]);

        rerun.AssertExit(0, "rerun");
        Assert.Contains("done 1, failed 0, skipped 1 of 2", rerun.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segment_Cancelled_ExitsOneThirtyWithOneErrorLine()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int exit = await CliApplication.RunAsync(["segment", CliRun.Image, "--box", "20,15,140,105", "--model", CliRun.Model, "--out", Out], stdout, stderr, cancel.Token);

        Assert.Equal(ExitCodes.Cancelled, exit);
        new CliRun(exit, stdout.ToString(), stderr.ToString()).AssertClean("cancelled");
        Assert.Equal("error: cancelled.", stderr.ToString().Trim());
    }
}
