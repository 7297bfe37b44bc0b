using Xunit.Abstractions;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>
/// A fresh app that references the model package (and so SkinSam.Sdk, managed ONNX Runtime only) but no native ONNX Runtime
/// package: the model files arrive in its output folder, and loading the model is refused with a SkinSamException that names
/// the package to add, not a raw DllNotFoundException or TypeInitializationException.
/// </summary>
[Collection(PackageFeedCollection.Name)]
[Trait("Category", "Packaging")]
[Trait("Category", "Long")]
public sealed class MissingNativeRuntimeTests(PackageFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void OpenDefault_AppWithoutNativeOnnxRuntime_ThrowsSkinSamExceptionNamingThePackage()
    {
        string app = Path.Combine(feed.Work, "no-native-app");
        Directory.CreateDirectory(app);
        string template = Path.Combine(AppContext.BaseDirectory, "NoNativeApp");
        File.Copy(Path.Combine(template, "Program.cs.txt"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(
            Path.Combine(app, "NoNativeApp.csproj"),
            File.ReadAllText(Path.Combine(template, "NoNativeApp.csproj.txt")).Replace("$SKINSAM_VERSION$", feed.Version, StringComparison.Ordinal));
        feed.WriteNuGetConfig(app);

        (int buildExit, string buildText, _) = DotnetCommand.Run(app, StepTimeout, "build", "-c", "Release");
        Assert.True(buildExit == 0, $"Expected the app without a native ONNX Runtime to build; got exit code {buildExit}:\n{buildText}");
        string bin = Path.Combine(app, "bin", "Release", "net10.0");
        string[] natives = [.. Directory.EnumerateFiles(bin, "*onnxruntime*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".dll", StringComparison.Ordinal) || Path.GetFileName(f) == "onnxruntime.dll")];
        Assert.True(natives.Length == 0, $"Expected no native ONNX Runtime library in {bin}; got {string.Join(", ", natives)}.");

        (int exitCode, string text, _) = DotnetCommand.Run(app, StepTimeout, Path.Combine(bin, "NoNativeApp.dll"));
        output.WriteLine(text);

        Assert.True(exitCode == 0, $"Expected the app to catch a SkinSamException (exit 0); got exit code {exitCode}:\n{text}");
        Assert.Contains("encoder=True decoder=True manifest=True", text, StringComparison.Ordinal);
        string refused = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("REFUSED ", StringComparison.Ordinal));
        Assert.StartsWith("REFUSED SkinSam.Sdk.ModelLoadException: ", refused, StringComparison.Ordinal);
        Assert.Contains("add the package reference Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu (CUDA)", refused, StringComparison.Ordinal);
        Assert.Contains("DllNotFoundException", refused, StringComparison.Ordinal);
    }
}
