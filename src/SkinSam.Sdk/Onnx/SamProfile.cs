using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The official SAM profile (<c>"preprocessing": "sam"</c>), as <c>segment_anything</c> and its ONNX export do it:
/// long side resized to 1024 with Pillow's bilinear filter, ImageNet mean/std on the 0..255 scale, zero padding
/// (<see cref="SamPreprocessor"/>); prompts scaled by <c>resized / original</c> per axis;
/// the mask is <c>logits &gt; maskThreshold</c> on SAM's <c>postprocess_masks</c> logits (256 to 1024, crop, to
/// (h, w)), computed from the chosen candidate's <c>low_res_masks</c> by <see cref="MaskLogitUpsampler"/> (the
/// graph's <c>masks</c> output is not fetched, see <see cref="SamContract.UnfetchedMasksSize"/>); stability on
/// logits; default selection <see cref="MaskSelection.OfficialOnnx"/>.
/// </summary>
internal sealed class SamProfile : ModelProfile
{
    private readonly SamPreprocessor _preprocessor = new();

    private SamProfile()
    {
    }

    /// <summary>The one instance.</summary>
    public static SamProfile Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "sam";

    /// <inheritdoc/>
    public override PreprocessingProfile Kind => PreprocessingProfile.Sam;

    /// <inheritdoc/>
    public override MaskSelection DefaultSelection => MaskSelection.OfficialOnnx;

    /// <inheritdoc/>
    public override EncoderInput Preprocess(ImageBuffer image, EncoderVariant encoder, float[] destination)
    {
        if (encoder == EncoderVariant.InputImageHwc)
        {
            _preprocessor.PreprocessHwc(image, destination, out int w, out int h);
            return new EncoderInput([h, w, 3], w * h * 3, CreateFrame(image.Width, image.Height));
        }

        _preprocessor.Preprocess(image, destination.AsSpan(0, FrameLength));
        return new EncoderInput(FrameShape, FrameLength, CreateFrame(image.Width, image.Height));
    }

    /// <inheritdoc/>
    public override ImageFrame CreateFrame(int width, int height)
    {
        (int resizedW, int resizedH) = SamPreprocessor.GetResizedSize(width, height, SamContract.FrameSize);
        return new ImageFrame(width, height, resizedW, resizedH, SamContract.FrameSize, SamContract.LowResSide);
    }

    /// <inheritdoc/>
    public override MaskThresholds Thresholds(float maskThreshold, float stabilityOffset)
    {
        (float low, float high) = StabilityScore.Thresholds(maskThreshold, stabilityOffset);
        return new MaskThresholds(maskThreshold, low, high);
    }

    /// <inheritdoc/>
    public override void WriteMaskValues(ReadOnlySpan<float> lowResolution, ImageFrame frame, Span<float> destination) =>
        MaskLogitUpsampler.Upsample(lowResolution, frame.OriginalWidth, frame.OriginalHeight, destination);

    /// <inheritdoc/>
    public override (int AboveLow, int AboveHigh, int NonFinite) ThresholdMask(ReadOnlySpan<float> lowResolution, ImageFrame frame, MaskThresholds thresholds, Span<byte> mask)
    {
        var sink = new MaskThresholdSink(mask, frame.OriginalWidth, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
        MaskLogitUpsampler.UpsampleStreaming(lowResolution, frame.OriginalWidth, frame.OriginalHeight, ref sink);
        return (sink.AboveLow, sink.AboveHigh, sink.NonFinite);
    }
}
