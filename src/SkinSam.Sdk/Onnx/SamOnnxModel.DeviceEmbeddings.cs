using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Onnx;

// SamOnnxModel, embeddings kept on the device (ModelOptions.DeviceResidentEmbeddings): the encoder's output is bound
// to the provider's memory with ONNX Runtime I/O binding, kept beside the embedding's host values until the embedding
// is disposed, and fed to the decoder from there.
public sealed partial class SamOnnxModel
{
    // Where encoder outputs are bound; null when embeddings live on the host only.
    private readonly OrtMemoryInfo? _deviceMemory;

    // The device tensor of each embedding this model encoded with the option on (removed and disposed with the embedding).
    private readonly ConditionalWeakTable<ImageEmbedding, IDisposableReadOnlyCollection<OrtValue>> _deviceEmbeddings = [];

    /// <summary>True when this instance keeps embeddings in the execution provider's memory (see <see cref="ModelOptions.DeviceResidentEmbeddings"/>).</summary>
    internal bool KeepsDeviceEmbeddings => _deviceMemory is not null;

    /// <summary>True when this model holds a device tensor for <paramref name="embedding"/> (tests check the bound path is the one taken).</summary>
    internal bool HoldsDeviceTensor(ImageEmbedding embedding) => DeviceEmbedding(embedding) is not null;

    // The memory of the provider that runs the model: the CPU allocator, or CUDA device memory for CUDA and TensorRT.
    // Other providers (DirectML, CoreML, OpenVINO, ROCm, custom) keep host embeddings.
    private static OrtMemoryInfo? DeviceMemoryFor(ModelOptions options, string providerDisplayName)
    {
        ExecutionProvider? provider = options.Providers.FirstOrDefault(p => p.DisplayName == providerDisplayName);
        return provider switch
        {
            null or BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cpu } => OrtMemoryInfo.DefaultInstance,
            BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cuda or BuiltInProviderKind.TensorRt } b =>
                new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, b.DeviceId, OrtMemType.Default),
            _ => null,
        };
    }

    // Runs the encoder with its output bound to the device and copies the result once into the host buffer behind
    // hostValue (for ImageEmbedding.Values, saving and the cache). Returns the bound outputs, owned by the caller.
    private IDisposableReadOnlyCollection<OrtValue> EncodeToDevice(OrtValue inputValue, OrtValue hostValue, CancellationToken cancellationToken)
    {
        using OrtIoBinding binding = _encoder.CreateIoBinding();
        binding.BindInput(_encoderInputNames[0], inputValue);
        binding.BindOutputToDevice(SamContract.EmbeddingsName, _deviceMemory!);
        _gate.RunBinding(_encoder, binding, cancellationToken);
        IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
        try
        {
            OrtValue device = outputs[0];
            long count = device.GetTensorTypeAndShape().ElementCount;
            if (count != EmbeddingLength)
            {
                throw new ModelOutputException($"{Info.Manifest.EncoderFile}: expected '{SamContract.EmbeddingsName}' of {EmbeddingLength} values; got {count}.");
            }

            using OrtMemoryInfo where = device.GetTensorMemoryInfo();
            if (where.Name == "Cpu")
            {
                device.GetTensorDataAsSpan<float>().CopyTo(hostValue.GetTensorMutableDataAsSpan<float>());
            }
            else
            {
                OrtEnv.Instance().CopyTensors([device], [hostValue], null);
            }

            return outputs;
        }
        catch
        {
            outputs.Dispose();
            throw;
        }
    }

    // The embedding's device tensor, when this model keeps one for it; null to use the host values.
    private OrtValue? DeviceEmbedding(ImageEmbedding embedding) =>
        _deviceMemory is not null && _deviceEmbeddings.TryGetValue(embedding, out IDisposableReadOnlyCollection<OrtValue>? payload) ? payload[0] : null;
}
