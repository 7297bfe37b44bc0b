namespace SkinSam.Sdk.ExecutionProviders;

/// <summary>The execution providers the SDK knows by name.</summary>
internal enum BuiltInProviderKind
{
    Cpu,
    Cuda,
    TensorRt,
    DirectML,
    CoreML,
    OpenVino,
    Rocm,
}
