using System.Globalization;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit.Abstractions;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>
/// Builds a fresh console app that references SkinSam.Sdk and SkinSam.Sdk.ImageSharp (and Microsoft.ML.OnnxRuntime) from the
/// packed feed, runs it on the sam-tiny fixture and a sample image, and compares its output with the same segmentation done
/// in this process through project references. Slow (pack, restore, build): Category=Long, left out of the default
/// <c>dotnet test</c> (tests/Directory.Build.props) and run by .ci/run in its own step.
/// </summary>
[Collection(PackageFeedCollection.Name)]
[Trait("Category", "Packaging")]
[Trait("Category", "Long")]
public sealed class PackagesTests(PackageFeed feed, ITestOutputHelper output)
{
    private const string Box = "30,15,175,140";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void PackedLibraries_FreshConsoleApp_SegmentsLikeTheProjectReferences()
    {
        string model = Path.Combine(feed.Root, "models", "test-fixtures", "sam-tiny");
        string image = Path.Combine(feed.Root, "samples", "images", "ISIC_0025964.jpg");
        string app = Path.Combine(feed.Work, "app");
        Directory.CreateDirectory(app);
        output.WriteLine(feed.Log);

        WriteConsumerApp(app);
        Step(app, "build the consumer app", "build", "-c", "Release");
        string run = Step(app, "run the consumer app", Path.Combine(app, "bin", "Release", "net10.0", "SmokeApp.dll"), model, image, Box);

        string packaged = run.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("SMOKE ", StringComparison.Ordinal));
        Assert.Equal(SegmentInProcess(model, image), packaged);
        Assert.Contains("model=sam-tiny provider=cpu", packaged, StringComparison.Ordinal);
    }

    private static string SegmentInProcess(string modelFolder, string imagePath)
    {
        float[] box = [.. Box.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture))];
        using SamOnnxModel model = SamOnnxModel.Load(modelFolder);
        var image = ImageFile.Load(imagePath);
        using var embedding = model.Encode(image);
        var result = model.Decode(embedding, SegmentationPrompt.FromBox(box[0], box[1], box[2], box[3]));
        return FormattableString.Invariant(
            $"SMOKE model={model.Info.Name} provider={model.Info.ExecutionProvider} size={result.Mask.Width}x{result.Mask.Height} index={result.MaskIndex} area={result.Area} iou={result.PredictedIou:R} rle={result.Mask.ToCocoRle().ToCompressedString()}");
    }

    private void WriteConsumerApp(string app)
    {
        string template = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        File.Copy(Path.Combine(template, "Program.cs.txt"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(
            Path.Combine(app, "SmokeApp.csproj"),
            File.ReadAllText(Path.Combine(template, "SmokeApp.csproj.txt")).Replace("$SKINSAM_VERSION$", feed.Version, StringComparison.Ordinal).Replace("$ORT_VERSION$", feed.OnnxRuntimeVersion, StringComparison.Ordinal));
        feed.WriteNuGetConfig(app);
    }

    private string Step(string workingDirectory, string what, params string[] arguments)
    {
        (int exitCode, string text, TimeSpan elapsed) = DotnetCommand.Run(workingDirectory, StepTimeout, arguments);
        output.WriteLine($"{what}: exit {exitCode} after {elapsed.TotalSeconds:F0} s");
        Assert.True(exitCode == 0, $"Expected '{what}' to succeed; got exit code {exitCode}:\n{text}");
        return text;
    }
}
