using System.Diagnostics.CodeAnalysis;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// One model loaded twice in the same process: through the SDK (<see cref="SamOnnxModel"/>, or
/// <see cref="Sam2OnnxModel"/> for a SAM 2.1 folder), and as bare
/// ONNX Runtime sessions built from the very same <see cref="SessionOptions"/> recipe
/// (<see cref="ModelOptions"/> and the provider's own append call), fed with tensors prepared once.
/// The bare path does the model's work and nothing else, so SDK time minus bare time is the SDK's own cost
/// (preprocessing, prompt encoding, output checks, postprocessing, allocation).
/// </summary>
public sealed class SamInferenceFixture : IDisposable
{
    /// <summary>Image width.</summary>
    public const int Width = 600;

    /// <summary>Image height.</summary>
    public const int Height = 450;

    private readonly SessionOptions _bareOptions;
    private readonly List<OrtValue> _values = [];
    private readonly string[] _encoderInput;
    private readonly string[] _encoderOutput = ["image_embeddings"];
    private readonly OrtValue[] _encoderOutputs;
    private readonly string[] _decoderInputs;
    private readonly string[] _decoderOutputs;
    private readonly string[] _sdkDecoderOutputs = [SamContract.IouPredictions, SamContract.LowResMasks];

    /// <summary>Loads the model both ways.</summary>
    /// <param name="modelName">A name from <see cref="BenchmarkModelCatalog"/>.</param>
    /// <param name="providerName">A name from <see cref="ProviderCatalog"/>.</param>
    /// <param name="intraOpThreads">0 for ONNX Runtime's default.</param>
    /// <param name="loadBareFirst">Create the bare sessions before the SDK's (by default after): the load order is
    /// one of the things two sessions of one model can differ by.</param>
    public SamInferenceFixture(string modelName, string providerName, int intraOpThreads = 0, bool loadBareFirst = false)
    {
        string folder = BenchmarkModelCatalog.FolderOf(modelName);
        ModelOptions options = ProviderCatalog.Options(providerName, intraOpThreads);
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        ModelManifest manifest = File.Exists(manifestPath) ? ModelManifest.Load(manifestPath) : ModelManifest.SamDefaults;
        _bareOptions = options.CreateSessionOptions();
        try
        {
            ProviderCatalog.Create(providerName).AppendTo(_bareOptions, OrtEnv.Instance().GetAvailableProviders());
            if (loadBareFirst)
            {
                OpenBareSessions(folder, manifest);
                Model = SegmentationModels.Load(folder, options);
            }
            else
            {
                Model = SegmentationModels.Load(folder, options);
                OpenBareSessions(folder, manifest);
            }

            if (Model.Info.ExecutionProvider != ProviderCatalog.Create(providerName).DisplayName)
            {
                throw new InvalidOperationException($"Expected the model to run on {providerName}; got {Model.Info.ExecutionProvider}.");
            }
        }
        catch
        {
            Decoder?.Dispose();
            Encoder?.Dispose();
            Model?.Dispose();
            _bareOptions.Dispose();
            throw;
        }

        Image = SyntheticData.LesionImage(Width, Height, seed: 3);
        Buffers = new DecodeBuffers(Width, Height);
        Prompts =
        [
            SegmentationPrompt.FromBox(150, 100, 450, 350),
            SegmentationPrompt.FromPoint(300, 225),
            new SegmentationPrompt { Box = new PromptBox(120, 80, 480, 380), Points = [new PromptPoint(300, 225)] },
        ];

        if (Model is Sam2OnnxModel)
        {
            // SAM 2.1: its own preprocessing, three encoder outputs, its decoder inputs (Sam2BareInputs).
            (EncoderInput, _encoderOutputs, _decoderInputs, DecoderInputs) = Sam2BareInputs.Create(Encoder, Decoder, BareRunOptions, Image, Prompts, Track);
            _encoderInput = ["image"];
            _encoderOutput = Sam2BareInputs.EncoderOutputs;
            EncoderOutput = _encoderOutputs[0];
            EmbeddingBuffer = [];
            _decoderOutputs = [.. Decoder.OutputMetadata.Keys];
            Embedding = Model.Encode(Image);
            return;
        }

        // The tensors the SDK would build, prepared once.
        var preprocessor = new SamPreprocessor(manifest.InputSize);
        (int rw, int rh) = SamPreprocessor.GetResizedSize(Width, Height, manifest.InputSize);
        float[] input;
        long[] inputShape;
        if (Model.Info.EncoderVariant == EncoderVariant.InputImageHwc)
        {
            input = new float[rw * rh * 3];
            preprocessor.PreprocessHwc(Image, input, out _, out _);
            inputShape = [rh, rw, 3];
            _encoderInput = ["input_image"];
        }
        else
        {
            input = new float[preprocessor.TensorLength];
            preprocessor.Preprocess(Image, input);
            inputShape = [1, 3, manifest.InputSize, manifest.InputSize];
            _encoderInput = ["image"];
        }

        EncoderInput = Track(OrtValue.CreateTensorValueFromMemory(input, inputShape));
        EmbeddingBuffer = new float[256 * 64 * 64];
        EncoderOutput = Track(OrtValue.CreateTensorValueFromMemory(EmbeddingBuffer, [1, 256, 64, 64]));
        _encoderOutputs = [EncoderOutput];
        Encoder.Run(BareRunOptions, _encoderInput, [EncoderInput], _encoderOutput, _encoderOutputs);

        float sx = rw / (float)Width, sy = rh / (float)Height;
        _decoderInputs = [.. new[] { "image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size" }.Where(Decoder.InputMetadata.ContainsKey)];
        _decoderOutputs = [.. Decoder.OutputMetadata.Keys];
        DecoderInputs = [];
        foreach (SegmentationPrompt prompt in Prompts)
        {
            (float[] coords, float[] labels) = SamOnnxModel.BuildPointInputs(prompt, sx, sy);
            var values = new List<OrtValue>
            {
                Track(OrtValue.CreateTensorValueFromMemory(EmbeddingBuffer, [1, 256, 64, 64])),
                Track(OrtValue.CreateTensorValueFromMemory(coords, [1, labels.Length, 2])),
                Track(OrtValue.CreateTensorValueFromMemory(labels, [1, labels.Length])),
                Track(OrtValue.CreateTensorValueFromMemory(new float[256 * 256], [1, 1, 256, 256])),
                Track(OrtValue.CreateTensorValueFromMemory(new float[1], [1])),
            };
            if (_decoderInputs.Length == 6)
            {
                values.Add(Track(OrtValue.CreateTensorValueFromMemory(new float[] { Height, Width }, [2])));
            }

            DecoderInputs.Add(values);
            if (_decoderInputs.Length == 6)
            {
                // What the SDK feeds: orig_im_size (1, frame), so the graph's own upsampling of the masks it is not
                // asked for costs nothing (SamContract.UnfetchedMasksSize).
                values = [.. values];
                values[^1] = Track(OrtValue.CreateTensorValueFromMemory(new float[] { 1f, manifest.InputSize }, [2]));
            }

            SdkShapedDecoderInputs.Add(values);
        }

        Embedding = Model.Encode(Image);
    }

    /// <summary>The SDK model.</summary>
    public ISegmentationModel Model { get; }

    /// <summary>The bare encoder session.</summary>
    public InferenceSession Encoder { get; private set; }

    /// <summary>The bare decoder session.</summary>
    public InferenceSession Decoder { get; private set; }

    /// <summary>One run-options object reused by the bare path.</summary>
    public RunOptions BareRunOptions { get; } = new();

    /// <summary>The 600 x 450 test image.</summary>
    public ImageBuffer Image { get; }

    /// <summary>Three prompts: a box, a point, a box with a point.</summary>
    public IReadOnlyList<SegmentationPrompt> Prompts { get; }

    /// <summary>An SDK embedding of <see cref="Image"/>, for decode-only runs.</summary>
    public ImageEmbedding Embedding { get; }

    /// <summary>Caller-owned decode buffers for <see cref="ISegmentationModel.DecodeInto"/> (the allocation-free decode).</summary>
    public DecodeBuffers Buffers { get; }

    /// <summary>The preprocessed image tensor.</summary>
    public OrtValue EncoderInput { get; }

    /// <summary>The bare encoder's preallocated output.</summary>
    public OrtValue EncoderOutput { get; }

    /// <summary>The memory behind <see cref="EncoderOutput"/>, also fed to the bare decoder.</summary>
    public float[] EmbeddingBuffer { get; }

    /// <summary>The bare decoder's inputs, one list per prompt.</summary>
    public List<List<OrtValue>> DecoderInputs { get; }

    /// <summary>
    /// The bare decoder's inputs as the SDK feeds them, one list per prompt: the same tensors as
    /// <see cref="DecoderInputs"/> except <c>orig_im_size</c>, which is (1, frame side) as in the SDK. Empty for SAM 2.1.
    /// </summary>
    public List<List<OrtValue>> SdkShapedDecoderInputs { get; } = [];

    /// <summary>Runs the bare encoder once.</summary>
    public void BareEncode() => Encoder.Run(BareRunOptions, _encoderInput, [EncoderInput], _encoderOutput, _encoderOutputs);

    /// <summary>Runs the bare decoder once for one prompt, ONNX Runtime allocating the outputs as it does for the SDK.</summary>
    /// <param name="prompt">Index into <see cref="Prompts"/>.</param>
    /// <returns>The first IoU prediction.</returns>
    public float BareDecode(int prompt)
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = Decoder.Run(BareRunOptions, _decoderInputs, DecoderInputs[prompt], _decoderOutputs);
        return outputs[Array.IndexOf(_decoderOutputs, "iou_predictions")].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>
    /// Runs the bare decoder once for one prompt doing exactly the graph work the SDK's decode asks for: the SDK's
    /// <c>orig_im_size</c> and only its two outputs (<c>iou_predictions</c>, <c>low_res_masks</c>), ONNX Runtime
    /// allocating them. SDK time minus this time is the SDK's own work (prompt tensors, output checks, candidate choice,
    /// its upsampling to the image, threshold, stability score). SAM v1 only.
    /// </summary>
    /// <param name="prompt">Index into <see cref="Prompts"/>.</param>
    /// <returns>The first IoU prediction.</returns>
    public float BareDecodeSdkOutputs(int prompt)
    {
        if (SdkShapedDecoderInputs.Count == 0)
        {
            throw new InvalidOperationException($"Expected a SAM v1 decoder for the SDK-shaped bare decode; got {Model.Info.Name} ({Model.GetType().Name}).");
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = Decoder.Run(BareRunOptions, _decoderInputs, SdkShapedDecoderInputs[prompt], _sdkDecoderOutputs);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Buffers.Dispose();
        Embedding.Dispose();
        foreach (OrtValue v in _values)
        {
            v.Dispose();
        }

        BareRunOptions.Dispose();
        Decoder.Dispose();
        Encoder.Dispose();
        _bareOptions.Dispose();
        Model.Dispose();
    }

    [MemberNotNull(nameof(Encoder), nameof(Decoder))]
    private void OpenBareSessions(string folder, ModelManifest manifest)
    {
        Encoder = new InferenceSession(Path.Combine(folder, manifest.EncoderFile), _bareOptions);
        Decoder = new InferenceSession(Path.Combine(folder, manifest.DecoderFile), _bareOptions);
    }

    private OrtValue Track(OrtValue value)
    {
        _values.Add(value);
        return value;
    }
}
