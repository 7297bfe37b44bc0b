using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace SkinSam.Sdk.Hosting.Tests;

public sealed class SkinSamOptionsValidatorTests
{
    private readonly SkinSamOptionsValidator _validator = new();

    [Fact]
    public void Validate_FixtureFolderAndCpu_Succeeds()
    {
        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions { ModelPath = Fixtures.SamTiny, Providers = "cuda,cpu" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoModelPath_FailsSayingWhatWasExpected()
    {
        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions());

        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith("ModelPath: expected the path of a model folder", failure, StringComparison.Ordinal);
        Assert.EndsWith("got null", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FolderDoesNotExist_FailsNamingTheFullPath()
    {
        string missing = Path.Combine(Fixtures.Root, "no-such-model");

        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions { ModelPath = missing });

        Assert.Equal($"ModelPath: Expected a model folder at '{missing}'; got no such directory.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_PathIsAFile_FailsAskingForTheFolder()
    {
        string file = Path.Combine(Fixtures.SamTiny, "encoder.onnx");

        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions { ModelPath = file });

        Assert.Contains("Expected a model folder; got the file", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FolderWithoutDecoder_FailsListingWhatTheFolderHolds()
    {
        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions { ModelPath = Fixtures.MissingDecoder });

        string failure = Assert.Single(result.Failures!);
        Assert.Contains("Expected decoder.onnx in model folder", failure, StringComparison.Ordinal);
        Assert.Contains("the folder holds: encoder.onnx", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownProvider_FailsNamingTheKnownProviders()
    {
        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, new SkinSamOptions { ModelPath = Fixtures.SamTiny, Providers = "cuda,gpu" });

        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Providers: Expected one of cpu, cuda, tensorrt, directml, coreml, openvino, rocm; got 'gpu'.", failure, StringComparison.Ordinal);
        Assert.Contains("'cuda,gpu'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = new SkinSamOptions
        {
            ModelPath = " ",
            Providers = "",
            IntraOpThreads = -1,
            InterOpThreads = -2,
            OptimizationLevel = (GraphOptimizationLevel)42,
        };

        ValidateOptionsResult result = _validator.Validate(Options.DefaultName, options);

        Assert.Collection(
            result.Failures!,
            f => Assert.Equal("ModelPath: expected the path of a model folder holding encoder.onnx, decoder.onnx and model.json; got an empty string", f),
            f => Assert.StartsWith("Providers: Expected at least one provider name; got ''.", f, StringComparison.Ordinal),
            f => Assert.Equal("IntraOpThreads: expected 0 (automatic) or more; got -1", f),
            f => Assert.Equal("InterOpThreads: expected 0 (automatic) or more; got -2", f),
            f => Assert.StartsWith("OptimizationLevel: expected one of ORT_DISABLE_ALL", f, StringComparison.Ordinal));
    }
}
