using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.Onnx;

public sealed class OnnxRuntimeEnvironmentTests
{
    [Fact]
    public void MissingNativeMessage_LibraryThatCannotLoad_NamesBothPackagesOnOneLine()
    {
        // The failure ONNX Runtime's managed API meets without a native package: the loader's own exception, wrapped by the
        // type initializer of the class whose static constructor binds the library.
        DllNotFoundException missing = Assert.Throws<DllNotFoundException>(() => NativeLibrary.Load("onnxruntime-not-installed"));
        var wrapped = new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", missing);

        Exception? cause = OnnxRuntimeEnvironment.FindNativeLoadFailure(wrapped);
        Assert.Same(missing, cause);
        string message = OnnxRuntimeEnvironment.MissingNativeMessage(cause!);

        Assert.StartsWith("Expected the native ONNX Runtime library (onnxruntime) to load; got DllNotFoundException: ", message, StringComparison.Ordinal);
        Assert.Contains("add the package reference Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu (CUDA) to the application", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void MissingNativeMessage_EntryPointMissing_AsksForMatchingVersions()
    {
        string message = OnnxRuntimeEnvironment.MissingNativeMessage(new EntryPointNotFoundException("Unable to find an entry point named 'OrtGetApiBase' in shared library 'onnxruntime'."));

        Assert.StartsWith("Expected a native ONNX Runtime library whose version matches Microsoft.ML.OnnxRuntime.Managed to load; got EntryPointNotFoundException: ", message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime (CPU)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindNativeLoadFailure_OtherTypeInitializationFailure_FindsNone()
    {
        Assert.Null(OnnxRuntimeEnvironment.FindNativeLoadFailure(new TypeInitializationException("X", new InvalidOperationException("no"))));
    }

    [Fact]
    public void Instance_NativeRuntimePresent_IsTheProcessEnvironment()
    {
        OrtEnv environment = OnnxRuntimeEnvironment.Instance();

        Assert.True(OrtEnv.IsCreated);
        Assert.Same(OrtEnv.Instance(), environment);
        Assert.Contains("CPUExecutionProvider", environment.GetAvailableProviders());
    }
}
