using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.ExecutionProviders;

public sealed class ExecutionProviderTests
{
    [Fact]
    public void AvailableInThisProcess_AnyBuild_ListsTheCpuProviderOnce()
    {
        IReadOnlyList<string> names = ExecutionProvider.AvailableInThisProcess();

        Assert.Contains("CPUExecutionProvider", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [FactWithoutCuda]
    public void Load_CudaOnMachineWithoutIt_FallsBackToCpuWithReason()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"), new ModelOptions { Providers = [ExecutionProvider.Cuda(0)] });
        Assert.Equal("cpu", model.Info.ExecutionProvider);
        Assert.True(model.Info.FellBackToCpu);
        Assert.Equal(2, model.Info.ProviderAttempts.Count);
        ProviderAttempt cuda = model.Info.ProviderAttempts[0];
        Assert.Equal("cuda:0", cuda.Provider);
        Assert.False(cuda.Succeeded);
        Assert.Contains("CUDAExecutionProvider", cuda.Reason, StringComparison.Ordinal);
        Assert.True(model.Info.ProviderAttempts[1].Succeeded);
    }

    [FactWithoutCuda]
    public void Load_CudaWithoutFallback_ThrowsWithEveryReason()
    {
        var options = new ModelOptions { Providers = [ExecutionProvider.TensorRt(0), ExecutionProvider.Cuda(0)], AllowCpuFallback = false };
        var ex = Assert.Throws<ExecutionProviderException>(() => SamOnnxModel.Load(Fixtures.Model("sam-tiny"), options));
        Assert.Contains("CPU fallback switched off", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tensorrt:0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cuda:0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CustomProvider_ReceivesSessionOptionsAndRuns()
    {
        int calls = 0;
        var custom = ExecutionProvider.Custom("tuned-cpu", so =>
        {
            calls++;
            so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        });
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"), new ModelOptions { Providers = [custom], AllowCpuFallback = false, IntraOpThreads = 1 });
        Assert.Equal(1, calls);
        Assert.Equal("custom:tuned-cpu", model.Info.ExecutionProvider);
        Assert.False(model.Info.FellBackToCpu);
    }

    [Fact]
    public void Load_CustomProviderThatThrows_IsSkippedWithItsMessage()
    {
        var broken = ExecutionProvider.Custom("npu", _ => throw new InvalidOperationException("no NPU on this host"));
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"), new ModelOptions { Providers = [broken, ExecutionProvider.Cpu] });
        Assert.Equal("cpu", model.Info.ExecutionProvider);
        Assert.False(model.Info.FellBackToCpu);
        Assert.Equal("no NPU on this host", model.Info.ProviderAttempts[0].Reason);
    }

    [Theory]
    [InlineData("cuda,cpu", "cuda:0,cpu")]
    [InlineData("tensorrt:1, cuda:1 ,cpu", "tensorrt:1,cuda:1,cpu")]
    [InlineData("openvino:GPU", "openvino:GPU")]
    [InlineData("dml,coreml,rocm:2", "directml:0,coreml,rocm:2")]
    public void ParseList_ValidNames_KeepsOrder(string text, string expected) =>
        Assert.Equal(expected, string.Join(",", ExecutionProvider.ParseList(text).Select(p => p.DisplayName)));

    [Theory]
    [InlineData("gpu", "Expected one of cpu, cuda")]
    [InlineData("cuda:x", "Expected a device index")]
    [InlineData(" , ", "Expected at least one provider")]
    public void ParseList_BadNames_ThrowsFormatException(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => ExecutionProvider.ParseList(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelOptions_Invalid_ListsAllProblemsAtOnce()
    {
        var options = new ModelOptions { Providers = [], IntraOpThreads = -1, InterOpThreads = -2 };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Providers", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IntraOpThreads", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InterOpThreads", ex.Message, StringComparison.Ordinal);
    }
}
