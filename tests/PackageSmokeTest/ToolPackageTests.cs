using System.Text.Json;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>
/// Installs the packed skinsam tool into a temporary tool path, as a new user would, and segments a sample image from an
/// empty working folder with no argument but the image: the tool finds the SkinSAM-Tiny model it carries.
/// </summary>
[Collection(PackageFeedCollection.Name)]
[Trait("Category", "Packaging")]
[Trait("Category", "Long")]
public sealed class ToolPackageTests(PackageFeed feed, ITestOutputHelper output)
{
    private const string ImageName = "ISIC_0025964.jpg";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void Segment_InstalledToolInEmptyFolder_WritesTheShippedModelsMask()
    {
        string tools = Path.Combine(feed.Work, "tools");
        string inputs = Path.Combine(feed.Work, "inputs");
        string empty = Path.Combine(feed.Work, "empty");
        Directory.CreateDirectory(inputs);
        Directory.CreateDirectory(empty);
        string image = Path.Combine(inputs, ImageName);
        File.Copy(Path.Combine(feed.Root, "samples", "images", ImageName), image);
        string config = feed.WriteNuGetConfig(feed.Work);

        (int installExit, string installText, TimeSpan installTime) = DotnetCommand.Run(
            feed.Work, StepTimeout, "tool", "install", "SkinSam.Cli", "--tool-path", tools, "--version", feed.Version, "--configfile", config);
        output.WriteLine($"dotnet tool install: exit {installExit} after {installTime.TotalSeconds:F0} s\n{installText}");
        Assert.True(installExit == 0, $"Expected 'dotnet tool install SkinSam.Cli' to succeed; got exit code {installExit}:\n{installText}");

        string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "skinsam.exe" : "skinsam");
        (int exitCode, string text, TimeSpan elapsed) = DotnetCommand.RunProgram(command, empty, StepTimeout, "segment", image);
        output.WriteLine($"skinsam segment: exit {exitCode} after {elapsed.TotalSeconds:F1} s\n{text}");
        Assert.True(exitCode == 0, $"Expected 'skinsam segment {ImageName}' in an empty folder to succeed; got exit code {exitCode}:\n{text}");

        string stem = Path.Combine(empty, "out", Path.GetFileNameWithoutExtension(ImageName));
        Assert.True(File.Exists(stem + ".mask.png"), $"Expected {stem}.mask.png; got {string.Join(", ", Directory.EnumerateFiles(empty, "*", SearchOption.AllDirectories))}.");
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(stem + ".json"));
        Assert.Equal("skinsam-tiny", summary.RootElement.GetProperty("model").GetString());

        // A plausible mask: the image's size, binary, neither empty nor everything, and the one this process computes with
        // the repository's copy of the model, the same (empty) prompt and the mask selection the tool reports.
        BinaryMask mask = MaskImage.Load(stem + ".mask.png", requireBinary: true);
        using SamOnnxModel model = SamOnnxModel.Load(Path.Combine(feed.Root, "models", "skinsam-tiny"));
        var pixels = ImageFile.Load(image);
        using var embedding = model.Encode(pixels);
        var selection = Enum.Parse<MaskSelection>(summary.RootElement.GetProperty("selection").GetString()!);
        var expected = model.Decode(embedding, SegmentationPrompt.None, new DecodeOptions { Selection = selection });

        Assert.Equal((pixels.Width, pixels.Height), (mask.Width, mask.Height));
        Assert.InRange(mask.Area, pixels.Width * pixels.Height / 100, pixels.Width * pixels.Height * 99 / 100);
        Assert.Equal(expected.Mask.ToCocoRle().ToCompressedString(), mask.ToCocoRle().ToCompressedString());
    }
}
