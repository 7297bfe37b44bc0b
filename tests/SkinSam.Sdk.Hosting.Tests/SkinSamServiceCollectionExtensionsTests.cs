using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkinSam.Sdk.Models;
using Xunit;

namespace SkinSam.Sdk.Hosting.Tests;

public sealed class SkinSamServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSkinSam_ValidOptions_ResolvesOneLoadedModel()
    {
        using ServiceProvider provider = Build(o => o.ModelPath = Fixtures.SamTiny);

        ISegmentationModel first = provider.GetRequiredService<ISegmentationModel>();
        ISegmentationModel second = provider.GetRequiredService<ISegmentationModel>();

        Assert.Same(first, second);
        Assert.Equal("sam-tiny", first.Info.Name);
        Assert.Equal("cpu", first.Info.ExecutionProvider);
    }

    [Fact]
    public void AddSkinSam_ModelNotResolved_DoesNotLoad()
    {
        var logs = new CapturingLoggerFactory();
        using ServiceProvider provider = Build(o => o.ModelPath = Fixtures.SamTiny, logs);

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void AddSkinSam_ContainerDisposed_DisposesModel()
    {
        ServiceProvider provider = Build(o => o.ModelPath = Fixtures.SamTiny);
        ISegmentationModel model = provider.GetRequiredService<ISegmentationModel>();

        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Encode(Images.Gray(8, 8)));
    }

    [Fact]
    public void AddSkinSam_InvalidOptions_StartupValidationThrowsEveryFailure()
    {
        using ServiceProvider provider = Build(o =>
        {
            o.ModelPath = null;
            o.Providers = "cuda,gpu";
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains("ModelPath: expected the path of a model folder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 'gpu'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSkinSam_InvalidOptionsAndNoStartupValidation_ResolvingModelThrowsValidationError()
    {
        using ServiceProvider provider = Build(o => o.ModelPath = Path.Combine(Fixtures.Root, "no-such-model"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISegmentationModel>());

        Assert.Contains("Expected a model folder at", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSkinSam_CalledTwice_ConfiguresOneModelWithBothSteps()
    {
        var services = new ServiceCollection();
        services.AddSkinSam(o => o.ModelPath = Path.Combine(Fixtures.Root, "no-such-model"));
        services.AddSkinSam(o => o.ModelPath = Fixtures.SamTiny);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ISegmentationModel));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<SkinSamOptions>));
        Assert.Equal("sam-tiny", provider.GetRequiredService<ISegmentationModel>().Info.Name);
    }

    [Fact]
    public void Load_PreferredProviderMissing_LogsSkipReasonFallbackAndLoad()
    {
        // The test references the CPU-only Microsoft.ML.OnnxRuntime package, so CUDA is never in the build.
        var logs = new CapturingLoggerFactory();
        using ServiceProvider provider = Build(o => { o.ModelPath = Fixtures.SamTiny; o.Providers = "cuda"; }, logs);

        ISegmentationModel model = provider.GetRequiredService<ISegmentationModel>();

        Assert.True(model.Info.FellBackToCpu);
        CapturingLoggerFactory.LogEntry[] entries = [.. logs.Entries];
        Assert.All(entries, e => Assert.Equal(SkinSamModelLoader.LogCategory, e.Category));
        Assert.Equal(["ModelLoading", "ExecutionProviderSkipped", "FellBackToCpu", "ModelLoaded"], entries.Select(e => e.EventId.Name));

        CapturingLoggerFactory.LogEntry skipped = entries[1];
        Assert.Equal(LogLevel.Warning, skipped.Level);
        Assert.Equal("cuda:0", skipped.State["Provider"]);
        Assert.Contains("CUDAExecutionProvider is not in the loaded ONNX Runtime build", (string?)skipped.State["Reason"], StringComparison.Ordinal);

        CapturingLoggerFactory.LogEntry loaded = entries[3];
        Assert.Equal(LogLevel.Information, loaded.Level);
        Assert.Equal(model.Info.Path, loaded.State["ModelPath"]);
        Assert.Equal("ImageNchw", loaded.State["EncoderVariant"]);
        Assert.Equal("Multimask", loaded.State["DecoderVariant"]);
        Assert.Equal(4, loaded.State["MaskCount"]);
        Assert.Equal("cpu", loaded.State["ExecutionProvider"]);
        Assert.True((double)loaded.State["ElapsedMilliseconds"]! >= 0);
    }

    [Fact]
    public void Load_CorruptEncoder_LogsErrorAndThrowsModelLoadException()
    {
        var logs = new CapturingLoggerFactory();
        using ServiceProvider provider = Build(o => o.ModelPath = Fixtures.TruncatedEncoder, logs);

        var ex = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<ISegmentationModel>());

        CapturingLoggerFactory.LogEntry failed = logs.Entries.Last();
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal("ModelLoadFailed", failed.EventId.Name);
        Assert.Same(ex, failed.Exception);
    }

    private static ServiceProvider Build(Action<SkinSamOptions> configure, ILoggerFactory? loggerFactory = null)
    {
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            services.AddSingleton(loggerFactory);
        }

        services.AddSkinSam(configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
