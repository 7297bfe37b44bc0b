using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.ExecutionProviders;

/// <summary>An execution provider that maps to one <c>SessionOptions.AppendExecutionProvider_*</c> call.</summary>
internal sealed class BuiltInExecutionProvider : ExecutionProvider
{
    private readonly BuiltInProviderKind _kind;
    private readonly int _deviceId;
    private readonly string? _deviceType;

    public BuiltInExecutionProvider(BuiltInProviderKind kind, int deviceId, string? deviceType)
    {
        _kind = kind;
        _deviceId = deviceId;
        _deviceType = deviceType;
    }

    public BuiltInProviderKind Kind => _kind;

    /// <summary>The device index the provider was created for.</summary>
    public int DeviceId => _deviceId;

    public override string Name => _kind switch
    {
        BuiltInProviderKind.Cpu => "CPUExecutionProvider",
        BuiltInProviderKind.Cuda => "CUDAExecutionProvider",
        BuiltInProviderKind.TensorRt => "TensorrtExecutionProvider",
        BuiltInProviderKind.DirectML => "DmlExecutionProvider",
        BuiltInProviderKind.CoreML => "CoreMLExecutionProvider",
        BuiltInProviderKind.OpenVino => "OpenVINOExecutionProvider",
        BuiltInProviderKind.Rocm => "ROCMExecutionProvider",
        _ => throw new InvalidOperationException($"Unknown provider kind {_kind}."),
    };

    public override string DisplayName => _kind switch
    {
        BuiltInProviderKind.Cpu => "cpu",
        BuiltInProviderKind.CoreML => "coreml",
        BuiltInProviderKind.OpenVino => "openvino:" + _deviceType,
        _ => _kind.ToString().ToLowerInvariant() + ":" + _deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected internal override void AppendTo(SessionOptions options, IReadOnlyCollection<string> availableProviders)
    {
        if (_kind == BuiltInProviderKind.Cpu)
        {
            // The CPU provider is always registered last by ONNX Runtime itself; nothing to append.
            return;
        }

        if (!availableProviders.Contains(Name))
        {
            throw new NotSupportedException(
                $"{Name} is not in the loaded ONNX Runtime build (available: {string.Join(", ", availableProviders)}); {PackageHint()}");
        }

        switch (_kind)
        {
            case BuiltInProviderKind.Cuda:
                options.AppendExecutionProvider_CUDA(_deviceId);
                break;
            case BuiltInProviderKind.TensorRt:
                options.AppendExecutionProvider_Tensorrt(_deviceId);
                break;
            case BuiltInProviderKind.DirectML:
                options.AppendExecutionProvider_DML(_deviceId);
                break;
            case BuiltInProviderKind.CoreML:
                options.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE);
                break;
            case BuiltInProviderKind.OpenVino:
                options.AppendExecutionProvider_OpenVINO(_deviceType ?? "CPU");
                break;
            case BuiltInProviderKind.Rocm:
                options.AppendExecutionProvider_ROCm(_deviceId);
                break;
            default:
                throw new InvalidOperationException($"Unknown provider kind {_kind}.");
        }
    }

    private string PackageHint() => _kind switch
    {
        BuiltInProviderKind.Cuda or BuiltInProviderKind.TensorRt => "reference Microsoft.ML.OnnxRuntime.Gpu (Windows/Linux) instead of Microsoft.ML.OnnxRuntime and put the CUDA 12/13 and cuDNN libraries on the library path",
        BuiltInProviderKind.DirectML => "reference Microsoft.ML.OnnxRuntime.DirectML on Windows",
        BuiltInProviderKind.CoreML => "the CoreML provider exists in the macOS and iOS builds of Microsoft.ML.OnnxRuntime",
        BuiltInProviderKind.OpenVino => "reference Intel.ML.OnnxRuntime.OpenVino",
        BuiltInProviderKind.Rocm => "use an ONNX Runtime build with ROCm",
        _ => string.Empty,
    };
}
