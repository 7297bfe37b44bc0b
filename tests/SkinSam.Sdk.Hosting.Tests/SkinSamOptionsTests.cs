using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;
using Xunit;

namespace SkinSam.Sdk.Hosting.Tests;

public sealed class SkinSamOptionsTests
{
    [Fact]
    public void ToModelOptions_ProviderString_ParsedInOrder()
    {
        var options = new SkinSamOptions { Providers = "tensorrt:1, cuda:1 ,cpu" };

        ModelOptions model = options.ToModelOptions();

        Assert.Equal(["tensorrt:1", "cuda:1", "cpu"], model.Providers.Select(p => p.DisplayName));
    }

    [Fact]
    public void ToModelOptions_ExecutionProvidersSet_UsedInsteadOfString()
    {
        var custom = ExecutionProvider.Custom("mine", _ => { });
        var options = new SkinSamOptions { Providers = "cuda,cpu" };
        options.ExecutionProviders.Add(custom);

        ModelOptions model = options.ToModelOptions();

        Assert.Same(custom, Assert.Single(model.Providers));
    }

    [Fact]
    public void ToModelOptions_SessionSettings_CopiedToModelOptions()
    {
        var options = new SkinSamOptions
        {
            AllowCpuFallback = false,
            IntraOpThreads = 3,
            InterOpThreads = 2,
            OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            EnableMemoryPattern = false,
            EnableCpuMemArena = false,
            AllowThreadSpinning = false,
            DeviceResidentEmbeddings = true,
        };

        ModelOptions model = options.ToModelOptions();

        Assert.False(model.AllowCpuFallback);
        Assert.Equal(3, model.IntraOpThreads);
        Assert.Equal(2, model.InterOpThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, model.OptimizationLevel);
        Assert.False(model.EnableMemoryPattern);
        Assert.False(model.EnableCpuMemArena);
        Assert.False(model.AllowThreadSpinning);
        Assert.True(model.DeviceResidentEmbeddings);
    }

    [Fact]
    public void Defaults_MatchModelOptionsDefaults()
    {
        var options = new SkinSamOptions();
        ModelOptions expected = ModelOptions.Default;

        ModelOptions model = options.ToModelOptions();

        Assert.Equal("cpu", Assert.Single(model.Providers).DisplayName);
        Assert.Equal(expected.AllowCpuFallback, model.AllowCpuFallback);
        Assert.Equal(expected.IntraOpThreads, model.IntraOpThreads);
        Assert.Equal(expected.InterOpThreads, model.InterOpThreads);
        Assert.Equal(expected.OptimizationLevel, model.OptimizationLevel);
        Assert.Equal(expected.EnableMemoryPattern, model.EnableMemoryPattern);
        Assert.Equal(expected.EnableCpuMemArena, model.EnableCpuMemArena);
        Assert.Equal(expected.AllowThreadSpinning, model.AllowThreadSpinning);
        Assert.Equal(expected.DeviceResidentEmbeddings, model.DeviceResidentEmbeddings);
    }

    [Fact]
    public void AddSkinSam_ConfigurationSection_BindsThreadSpinningAndDeviceResidentEmbeddings()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SkinSam:ModelPath"] = Fixtures.SamTiny,
                ["SkinSam:AllowThreadSpinning"] = "false",
                ["SkinSam:DeviceResidentEmbeddings"] = "true",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSkinSam(configuration.GetSection("SkinSam"));
        using ServiceProvider provider = services.BuildServiceProvider();

        ModelOptions model = provider.GetRequiredService<IOptions<SkinSamOptions>>().Value.ToModelOptions();

        Assert.False(model.AllowThreadSpinning);
        Assert.True(model.DeviceResidentEmbeddings);
    }
}
