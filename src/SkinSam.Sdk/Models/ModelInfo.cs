using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Models;

/// <summary>What a loaded model is and where it runs.</summary>
public sealed record ModelInfo
{
    /// <summary>Model name from the manifest.</summary>
    public required string Name { get; init; }

    /// <summary>The folder the model was loaded from, or null for models that have none (baselines).</summary>
    public string? Path { get; init; }

    /// <summary>The manifest in force (read from <c>model.json</c>, or <see cref="ModelManifest.SamDefaults"/>).</summary>
    public required ModelManifest Manifest { get; init; }

    /// <summary>True when the folder had no <c>model.json</c> and SAM defaults were used.</summary>
    public bool ManifestWasDefaulted { get; init; }

    /// <summary>The preprocessing profile.</summary>
    public PreprocessingProfile Preprocessing => Manifest.Preprocessing;

    /// <summary>How the model's weights and inner arithmetic are stored, from the manifest (<see cref="ModelPrecision.Fp32"/> when it does not say).</summary>
    public ModelPrecision Precision => Manifest.Precision;

    /// <summary>The encoder export detected from the ONNX signature.</summary>
    public EncoderVariant? EncoderVariant { get; init; }

    /// <summary>The decoder export detected from the ONNX signature.</summary>
    public DecoderVariant? DecoderVariant { get; init; }

    /// <summary>How many masks one decode returns (4 for multimask exports, 1 for single-mask).</summary>
    public int MaskCount { get; init; }

    /// <summary>
    /// The mask selection rule of the model's profile, what <see cref="MaskSelection.ModelDefault"/> resolves to:
    /// <see cref="MaskSelection.OfficialOnnx"/> for <c>"preprocessing": "sam"</c>, <see cref="MaskSelection.PredictorFirstMask"/>
    /// (mask 0, MedSAM's single-mask output) for <c>"medsam"</c>.
    /// </summary>
    public MaskSelection DefaultSelection { get; init; } = MaskSelection.OfficialOnnx;

    /// <summary>True when the model segments with no prompt at all.</summary>
    public bool SupportsNoPrompt => Manifest.SupportsNoPrompt;

    /// <summary>The execution provider that runs the model, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    public required string ExecutionProvider { get; init; }

    /// <summary>
    /// Identifies the model's weights and contract, not the instance: <c>sha256:</c> and a digest of the ONNX files and
    /// the manifest's family, preprocessing, input size and encoder variant for ONNX models. Embeddings carry it
    /// (<see cref="ImageEmbedding.ModelFingerprint"/>); a model decodes only embeddings with its own fingerprint.
    /// </summary>
    public required string Fingerprint { get; init; }

    /// <summary>Each provider of the preference list as tried, with the reasons for skipping.</summary>
    public IReadOnlyList<ProviderAttempt> ProviderAttempts { get; init; } = [];

    /// <summary>True when the model runs on the CPU because no preferred provider could be used.</summary>
    public bool FellBackToCpu { get; init; }

    /// <summary>
    /// False when <see cref="ISegmentationModel.Encode"/> reads only the image's size, never its pixels (shape
    /// baselines): a caller such as the evaluation runner may then read the size from the file header and pass a blank
    /// image of that size instead of decoding the file. True for every model with an image encoder.
    /// </summary>
    public bool ReadsPixels { get; init; } = true;
}
