using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.Tests.ExecutionProviders;

/// <summary>A fact that needs an ONNX Runtime build without the CUDA provider; reported as skipped where CUDA is present.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class FactWithoutCudaAttribute : FactAttribute
{
    public FactWithoutCudaAttribute()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            Skip = "This ONNX Runtime build has the CUDA provider; the fallback path needs one without it.";
        }
    }
}
