using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.ExecutionProviders;

/// <summary>
/// Where a model runs: one entry of the ordered preference list in <see cref="Models.ModelOptions.Providers"/>.
/// Each entry turns into the matching <c>SessionOptions.AppendExecutionProvider_*</c> call; an entry that
/// cannot be used (not in the ONNX Runtime build, libraries or device missing) is skipped and the reason recorded.
/// </summary>
/// <remarks>
/// This is the plug-in point for placement: derive from it, or use <see cref="Custom"/> to receive the
/// <see cref="SessionOptions"/> directly.
/// </remarks>
public abstract class ExecutionProvider
{
    /// <summary>The ONNX Runtime provider name, e.g. <c>CUDAExecutionProvider</c>, or a custom name.</summary>
    public abstract string Name { get; }

    /// <summary>A short display form, e.g. <c>cuda:0</c>.</summary>
    public abstract string DisplayName { get; }

    /// <summary>The ONNX Runtime CPU provider; always available.</summary>
    public static ExecutionProvider Cpu { get; } = new BuiltInExecutionProvider(BuiltInProviderKind.Cpu, 0, null);

    /// <summary>NVIDIA CUDA (package <c>Microsoft.ML.OnnxRuntime.Gpu</c>, CUDA and cuDNN libraries on the library path).</summary>
    /// <param name="deviceId">GPU index.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider Cuda(int deviceId = 0) => new BuiltInExecutionProvider(BuiltInProviderKind.Cuda, ValidateDevice(deviceId), null);

    /// <summary>NVIDIA TensorRT (GPU package and TensorRT libraries); usually listed before <see cref="Cuda"/>.</summary>
    /// <param name="deviceId">GPU index.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider TensorRt(int deviceId = 0) => new BuiltInExecutionProvider(BuiltInProviderKind.TensorRt, ValidateDevice(deviceId), null);

    /// <summary>DirectML on Windows (package <c>Microsoft.ML.OnnxRuntime.DirectML</c>).</summary>
    /// <param name="deviceId">Adapter index.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider DirectML(int deviceId = 0) => new BuiltInExecutionProvider(BuiltInProviderKind.DirectML, ValidateDevice(deviceId), null);

    /// <summary>Apple Core ML on macOS and iOS.</summary>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider CoreML() => new BuiltInExecutionProvider(BuiltInProviderKind.CoreML, 0, null);

    /// <summary>Intel OpenVINO (package <c>Intel.ML.OnnxRuntime.OpenVino</c>).</summary>
    /// <param name="deviceType">OpenVINO device, e.g. <c>CPU</c>, <c>GPU</c>, <c>NPU</c>.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider OpenVino(string deviceType = "CPU")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceType);
        return new BuiltInExecutionProvider(BuiltInProviderKind.OpenVino, 0, deviceType);
    }

    /// <summary>AMD ROCm (an ONNX Runtime build with ROCm).</summary>
    /// <param name="deviceId">GPU index.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider Rocm(int deviceId = 0) => new BuiltInExecutionProvider(BuiltInProviderKind.Rocm, ValidateDevice(deviceId), null);

    /// <summary>A provider configured by the caller's own code, e.g. with provider options the SDK does not model.</summary>
    /// <param name="name">Name reported in <see cref="Models.ModelInfo"/>.</param>
    /// <param name="configure">Receives the session options; throw to mark the provider unusable.</param>
    /// <returns>The provider entry.</returns>
    public static ExecutionProvider Custom(string name, Action<SessionOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return new CustomExecutionProvider(name, configure);
    }

    /// <summary>
    /// The provider names the loaded native ONNX Runtime library offers (e.g. <c>CPUExecutionProvider</c>), read through
    /// the SDK's environment, so ONNX Runtime's telemetry is off when this call creates it, as when a model loads.
    /// </summary>
    /// <returns>The names ONNX Runtime reports, in its order.</returns>
    /// <exception cref="ModelLoadException">The native ONNX Runtime library could not be loaded.</exception>
    public static IReadOnlyList<string> AvailableInThisProcess() => [.. Onnx.OnnxRuntimeEnvironment.Instance().GetAvailableProviders()];

    /// <summary>
    /// Parses a provider list such as <c>cuda,cpu</c> or <c>tensorrt:1,cuda:1,cpu</c> (names: cpu, cuda, tensorrt,
    /// directml, coreml, openvino[:DEVICE], rocm; an optional <c>:N</c> device index).
    /// </summary>
    /// <param name="list">Comma-separated names.</param>
    /// <returns>The providers in order.</returns>
    /// <exception cref="FormatException">A name or index is not recognised.</exception>
    public static IReadOnlyList<ExecutionProvider> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var result = new List<ExecutionProvider>();
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = raw.Split(':', 2);
            string name = parts[0].ToLowerInvariant();
            string? arg = parts.Length > 1 ? parts[1] : null;
            int device = 0;
            if (arg is not null && name != "openvino" && !int.TryParse(arg, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out device))
            {
                throw new FormatException($"Expected a device index after '{name}:'; got '{arg}'.");
            }

            result.Add(name switch
            {
                "cpu" => Cpu,
                "cuda" => Cuda(device),
                "tensorrt" or "trt" => TensorRt(device),
                "directml" or "dml" => DirectML(device),
                "coreml" => CoreML(),
                "openvino" => OpenVino(arg ?? "CPU"),
                "rocm" => Rocm(device),
                _ => throw new FormatException($"Expected one of cpu, cuda, tensorrt, directml, coreml, openvino, rocm; got '{parts[0]}'."),
            });
        }

        if (result.Count == 0)
        {
            throw new FormatException($"Expected at least one provider name; got '{list}'.");
        }

        return result;
    }

    /// <summary>
    /// Adds this provider to <paramref name="options"/>. Throws when the provider cannot be used; the
    /// exception message becomes the recorded fallback reason.
    /// </summary>
    /// <param name="options">Session options being built.</param>
    /// <param name="availableProviders">The providers compiled into the loaded ONNX Runtime library.</param>
    protected internal abstract void AppendTo(SessionOptions options, IReadOnlyCollection<string> availableProviders);

    /// <inheritdoc/>
    public override string ToString() => DisplayName;

    private static int ValidateDevice(int deviceId) => deviceId >= 0
        ? deviceId
        : throw new ArgumentOutOfRangeException(nameof(deviceId), deviceId, $"Expected a device index of 0 or more; got {deviceId}.");
}
