using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The MedSAM profile (<c>"preprocessing": "medsam"</c>), end to end as MedSAM's published inference
/// (<c>MedSAM_Inference.py</c>) does it:
/// <list type="number">
/// <item>Preprocessing: stretch to 1024 x 1024 with skimage's cubic resize (anti-aliasing, preserve range), cast to
/// uint8, min-max scale the whole image to 0..1 (<see cref="MedSamPreprocessor"/>); no padding.</item>
/// <item>Prompt mapping: <c>box * 1024 / [W, H, W, H]</c>, points likewise; the frame is the whole 1024 x 1024 square.</item>
/// <item>Decode: the single-mask output (<c>multimask_output=False</c>), which is mask 0 of a multimask export, so
/// the default selection is <see cref="MaskSelection.PredictorFirstMask"/>. A single-mask export chooses inside the
/// graph by the official ONNX rule instead and is refused at load.</item>
/// <item>Postprocessing: <c>sigmoid</c> of the 256 x 256 <c>low_res_masks</c>, ONE bilinear resize
/// (<c>align_corners=False</c>) of those probabilities straight to (h, w), foreground where
/// <c>p &gt; sigmoid(maskThreshold)</c> (0.5 for the usual threshold 0), by <see cref="MaskProbabilityUpsampler"/>.
/// The decoder's <c>masks</c> output (SAM's 256 to 1024 to (h, w) logit route) is not fetched.</item>
/// </list>
/// </summary>
/// <remarks>
/// The stability score keeps SAM's definition in logits, applied to the resized probability map:
/// <c>area(p &gt; sigmoid(t + offset)) / area(p &gt; sigmoid(t - offset))</c>, which is
/// <c>area(logit(p) &gt; t + offset) / area(logit(p) &gt; t - offset)</c> because the sigmoid is increasing. MedSAM
/// itself reports no stability score. Logits returned on request are those probabilities.
/// </remarks>
internal sealed class MedSamProfile : ModelProfile
{
    private readonly MedSamPreprocessor _preprocessor = new();

    private MedSamProfile()
    {
    }

    /// <summary>The one instance.</summary>
    public static MedSamProfile Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "medsam";

    /// <inheritdoc/>
    public override PreprocessingProfile Kind => PreprocessingProfile.MedSam;

    /// <inheritdoc/>
    public override MaskSelection DefaultSelection => MaskSelection.PredictorFirstMask;

    /// <inheritdoc/>
    public override void CheckManifest(ModelManifest manifest, string manifestPath)
    {
        if (manifest.EncoderVariant == EncoderVariant.InputImageHwc)
        {
            throw new ModelLoadException($"{manifestPath}: the medsam profile needs an image-nchw encoder (the SDK stretches and min-max scales); got input-image-hwc.");
        }

        if (manifest.DecoderVariant == DecoderVariant.SingleMask)
        {
            throw new ModelLoadException(
                $"{manifestPath}: the medsam profile needs a multimask or low-res-only decoder (MedSAM decodes mask 0; a single-mask export chooses inside the graph by the official ONNX rule); got single-mask. Re-export without --single-mask.");
        }
    }

    /// <inheritdoc/>
    public override void CheckVariants(EncoderVariant encoder, DecoderVariant decoder, string encoderPath, string decoderPath)
    {
        if (encoder == EncoderVariant.InputImageHwc)
        {
            throw new ModelContractException($"{encoderPath}: the medsam profile needs the '{SamContract.ImageInput}' NCHW input; got '{SamContract.HwcImageInput}'.");
        }

        if (decoder == DecoderVariant.SingleMask)
        {
            throw new ModelContractException(
                $"{decoderPath}: the medsam profile needs a multimask or low-res-only decoder (MedSAM decodes mask 0; a single-mask export chooses inside the graph by the official ONNX rule); got a single-mask export (K = 1).");
        }
    }

    /// <inheritdoc/>
    public override EncoderInput Preprocess(ImageBuffer image, EncoderVariant encoder, float[] destination)
    {
        _preprocessor.Preprocess(image, destination.AsSpan(0, FrameLength));
        return new EncoderInput(FrameShape, FrameLength, CreateFrame(image.Width, image.Height));
    }

    /// <inheritdoc/>
    /// <remarks>Stretched to the whole square: the prompt scale <c>1024 / original</c> per axis follows from the frame.</remarks>
    public override ImageFrame CreateFrame(int width, int height) =>
        new(width, height, SamContract.FrameSize, SamContract.FrameSize, SamContract.FrameSize, SamContract.LowResSide);

    /// <inheritdoc/>
    public override MaskThresholds Thresholds(float maskThreshold, float stabilityOffset) => new(
        MaskProbabilityUpsampler.ProbabilityOf(maskThreshold),
        MaskProbabilityUpsampler.ProbabilityOf((double)maskThreshold - stabilityOffset),
        MaskProbabilityUpsampler.ProbabilityOf((double)maskThreshold + stabilityOffset));

    /// <inheritdoc/>
    public override void WriteMaskValues(ReadOnlySpan<float> lowResolution, ImageFrame frame, Span<float> destination) =>
        MaskProbabilityUpsampler.Upsample(lowResolution, frame.OriginalWidth, frame.OriginalHeight, destination);

    /// <inheritdoc/>
    public override (int AboveLow, int AboveHigh, int NonFinite) ThresholdMask(ReadOnlySpan<float> lowResolution, ImageFrame frame, MaskThresholds thresholds, Span<byte> mask)
    {
        var sink = new MaskThresholdSink(mask, frame.OriginalWidth, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
        MaskProbabilityUpsampler.UpsampleStreaming(lowResolution, frame.OriginalWidth, frame.OriginalHeight, ref sink);
        return (sink.AboveLow, sink.AboveHigh, sink.NonFinite);
    }
}
