using System.Globalization;
using System.Text.RegularExpressions;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Xunit;
using Xunit.Abstractions;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>
/// Packs SkinSam.Sdk and SkinSam.Sdk.ImageSharp into a temporary local feed, builds a fresh console app that references them
/// (and Microsoft.ML.OnnxRuntime) from that feed, runs it on the sam-tiny fixture and a sample image, and compares its output
/// with the same segmentation done in this process through project references. Slow (pack, restore, build): Category=Long, left out of the default
/// <c>dotnet test</c> (tests/Directory.Build.props) and run by .ci/run in its own step.
/// </summary>
public sealed partial class PackagesTests(ITestOutputHelper output)
{
    private const string Box = "30,15,175,140";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    [Trait("Category", "Packaging")]
    [Trait("Category", "Long")]
    public void PackedLibraries_FreshConsoleApp_SegmentsLikeTheProjectReferences()
    {
        string root = FindRepositoryRoot();
        string model = Path.Combine(root, "models", "test-fixtures", "sam-tiny");
        string image = Path.Combine(root, "samples", "images", "ISIC_0025964.jpg");
        string version = "0.0.0-smoke." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string work = Path.Combine(Path.GetTempPath(), "skinsam-smoke-" + Guid.NewGuid().ToString("N")[..12]);
        string feed = Path.Combine(work, "feed");
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        try
        {
            // Stop MSBuild's upward search for Directory.Build.* files at the work folder.
            File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />\n");

            foreach (string project in new[] { "src/SkinSam.Sdk/SkinSam.Sdk.csproj", "src/SkinSam.Sdk.ImageSharp/SkinSam.Sdk.ImageSharp.csproj" })
            {
                // Own artifacts folder: the pack neither touches nor depends on the repository's bin/ and obj/.
                Step(root, "pack " + project, "pack", Path.Combine(root, project), "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(work, "artifacts"), "-p:Version=" + version);
            }

            Assert.True(File.Exists(Path.Combine(feed, $"SkinSam.Sdk.{version}.nupkg")), $"Expected SkinSam.Sdk.{version}.nupkg in {feed}; got {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}.");
            WriteConsumerApp(root, app, feed, version);
            Step(app, "build the consumer app", "build", "-c", "Release");
            string run = Step(app, "run the consumer app", Path.Combine(app, "bin", "Release", "net10.0", "SmokeApp.dll"), model, image, Box);

            string packaged = run.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("SMOKE ", StringComparison.Ordinal));
            Assert.Equal(SegmentInProcess(model, image), packaged);
            Assert.Contains("model=sam-tiny provider=cpu", packaged, StringComparison.Ordinal);
        }
        finally
        {
            TryDelete(work);
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (string id in new[] { "skinsam.sdk", "skinsam.sdk.imagesharp" })
            {
                TryDelete(Path.Combine(packages, id, version));
                if (Directory.Exists(Path.Combine(packages, id)) && !Directory.EnumerateFileSystemEntries(Path.Combine(packages, id)).Any())
                {
                    TryDelete(Path.Combine(packages, id));
                }
            }
        }
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

    private static void WriteConsumerApp(string root, string app, string feed, string version)
    {
        string template = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        string ortVersion = OnnxRuntimeVersion().Match(File.ReadAllText(Path.Combine(root, "Directory.Packages.props"))).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(ortVersion), "Expected <OnnxRuntimeVersion> in Directory.Packages.props; got none.");
        File.Copy(Path.Combine(template, "Program.cs.txt"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(
            Path.Combine(app, "SmokeApp.csproj"),
            File.ReadAllText(Path.Combine(template, "SmokeApp.csproj.txt")).Replace("$SKINSAM_VERSION$", version, StringComparison.Ordinal).Replace("$ORT_VERSION$", ortVersion, StringComparison.Ordinal));
        File.WriteAllText(
            Path.Combine(app, "nuget.config"),
            File.ReadAllText(Path.Combine(template, "nuget.config.txt")).Replace("$LOCAL_FEED$", feed, StringComparison.Ordinal));
    }

    private string Step(string workingDirectory, string what, params string[] arguments)
    {
        (int exitCode, string text, TimeSpan elapsed) = DotnetCommand.Run(workingDirectory, StepTimeout, arguments);
        output.WriteLine($"{what}: exit {exitCode} after {elapsed.TotalSeconds:F0} s");
        Assert.True(exitCode == 0, $"Expected '{what}' to succeed; got exit code {exitCode}:\n{text}");
        return text;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SkinSam.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Expected SkinSam.Sdk.sln in a folder above {AppContext.BaseDirectory}; got none.");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder must not fail the test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("<OnnxRuntimeVersion>([^<]+)</OnnxRuntimeVersion>")]
    private static partial Regex OnnxRuntimeVersion();
}
