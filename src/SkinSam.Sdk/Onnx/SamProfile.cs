using System.Collections.Concurrent;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The official SAM profile (<c>"preprocessing": "sam"</c>), as <c>segment_anything</c> and its ONNX export do it:
/// long side resized to 1024 with Pillow's bilinear filter, ImageNet mean/std on the 0..255 scale, zero padding
/// (<see cref="SamPreprocessor"/>); prompts scaled by <c>resized / original</c> per axis; <c>orig_im_size</c> is
/// (h, w); the mask is <c>logits &gt; maskThreshold</c> on SAM's <c>postprocess_masks</c> logits (256 to 1024,
/// crop, to (h, w)), taken from the graph's <c>masks</c> output or, for a low-res-only decoder, upsampled by
/// <see cref="MaskLogitUpsampler"/>; stability on logits; default selection <see cref="MaskSelection.OfficialOnnx"/>.
/// </summary>
/// <remarks>
/// A model whose encoder needs less than the 1024 frame (<c>inputSize</c> in <c>model.json</c>, e.g. 256 for
/// SkinSAM-Tiny 2) gets the same profile at that side: the long side resized to <c>inputSize</c>, the prompts scaled
/// into that frame, and the graph's <c>masks</c> (it owns the route from 256 x 256 back through that frame);
/// a low-res-only decoder is refused there, because the SDK's own upsampler is SAM's 1024 route.
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
    public override void CheckVariants(EncoderVariant encoder, DecoderVariant decoder, string encoderPath, string decoderPath)
    {
        if (InputSide != SamContract.FrameSize && decoder == DecoderVariant.LowResOnly)
        {
            throw new ModelContractException(
                $"{decoderPath}: expected a decoder with a 'masks' output for inputSize {InputSide} (the SDK upsamples low-res masks only through the {SamContract.FrameSize} frame); got a low-res-only decoder.");
        }
    }

    /// <inheritdoc/>
    public override string Name => "sam";

    /// <inheritdoc/>
    public override PreprocessingProfile Kind => PreprocessingProfile.Sam;

    /// <inheritdoc/>
    public override MaskSelection DefaultSelection => MaskSelection.OfficialOnnx;

    /// <inheritdoc/>
    public override bool UsesGraphMasks => true;

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
    public override float[] OrigImSize(ImageFrame frame) => [frame.OriginalHeight, frame.OriginalWidth];

    /// <inheritdoc/>
    public override MaskThresholds Thresholds(float maskThreshold, float stabilityOffset)
    {
        (float low, float high) = StabilityScore.Thresholds(maskThreshold, stabilityOffset);
        return new MaskThresholds(maskThreshold, low, high);
    }

    /// <inheritdoc/>
    public override void WriteMaskValues(ReadOnlySpan<float> lowResolution, ReadOnlySpan<float> graphMask, ImageFrame frame, Span<float> destination)
    {
        if (graphMask.IsEmpty)
        {
            MaskLogitUpsampler.Upsample(lowResolution, frame.OriginalWidth, frame.OriginalHeight, destination);
        }
        else
        {
            graphMask.CopyTo(destination);
        }
    }
}
