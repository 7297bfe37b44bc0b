using System.Collections.Concurrent;
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
/// <remarks>
/// A model whose encoder needs less than the 1024 frame (<c>inputSize</c> in <c>model.json</c>, e.g. 256 for
/// SkinSAM-Tiny 2) gets the same profile at that side: the long side resized to <c>inputSize</c>, the prompts scaled
/// into that frame, and the masks brought back through that frame as the exporter's graph does (256 to the frame, none
/// for a 256 frame; crop; one resize to the original size), by the SDK from the chosen candidate's low-res logits.
/// </remarks>
internal sealed class SamProfile : ModelProfile
{
    private static readonly ConcurrentDictionary<int, SamProfile> BySide = new();

    private readonly SamPreprocessor _preprocessor;
    private readonly long[] _inputShape;

    private SamProfile(int side)
    {
        _preprocessor = new SamPreprocessor(side);
        _inputShape = [1, 3, side, side];
        InputSide = side;
    }

    /// <summary>The instance for the SAM v1 frame of 1024.</summary>
    public static SamProfile Instance { get; } = new(SamContract.FrameSize);

    /// <inheritdoc/>
    public override int InputSide { get; }

    /// <summary>The shared instance for a square encoder input of <paramref name="side"/> pixels.</summary>
    /// <param name="side">The manifest's <c>inputSize</c>.</param>
    /// <returns>The instance.</returns>
    public static SamProfile ForInputSize(int side) => side == SamContract.FrameSize ? Instance : BySide.GetOrAdd(side, s => new SamProfile(s));

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

        _preprocessor.Preprocess(image, destination.AsSpan(0, InputLength));
        return new EncoderInput(_inputShape, InputLength, CreateFrame(image.Width, image.Height));
    }

    /// <inheritdoc/>
    public override ImageFrame CreateFrame(int width, int height)
    {
        (int resizedW, int resizedH) = SamPreprocessor.GetResizedSize(width, height, InputSide);
        return new ImageFrame(width, height, resizedW, resizedH, InputSide, SamContract.LowResSide);
    }

    /// <inheritdoc/>
    public override MaskThresholds Thresholds(float maskThreshold, float stabilityOffset)
    {
        (float low, float high) = StabilityScore.Thresholds(maskThreshold, stabilityOffset);
        return new MaskThresholds(maskThreshold, low, high);
    }

    /// <inheritdoc/>
    public override void WriteMaskValues(ReadOnlySpan<float> lowResolution, ImageFrame frame, Span<float> destination) =>
        MaskLogitUpsampler.UpsampleThroughFrame(lowResolution, InputSide, frame.OriginalWidth, frame.OriginalHeight, destination);

    /// <inheritdoc/>
    public override (int AboveLow, int AboveHigh, int NonFinite) ThresholdMask(ReadOnlySpan<float> lowResolution, ImageFrame frame, MaskThresholds thresholds, Span<byte> mask)
    {
        var sink = new MaskThresholdSink(mask, frame.OriginalWidth, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
        MaskLogitUpsampler.UpsampleThroughFrameStreaming(lowResolution, InputSide, frame.OriginalWidth, frame.OriginalHeight, ref sink);
        return (sink.AboveLow, sink.AboveHigh, sink.NonFinite);
    }
}
