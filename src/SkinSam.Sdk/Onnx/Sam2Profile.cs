using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The SAM 2.1 profile (<c>"preprocessing": "sam2"</c>), as <c>SAM2ImagePredictor</c> does it:
/// <list type="number">
/// <item>Preprocessing: <c>/ 255</c>, stretched to 1024 x 1024 with PyTorch's antialiased bilinear resize, ImageNet
/// mean/std on the 0..1 scale (<see cref="Sam2Preprocessor"/>); no padding, so the frame is the whole square.</item>
/// <item>Prompt mapping: <c>x * 1024 / W</c>, <c>y * 1024 / H</c> in float32, as <c>transform_coords</c> divides and then
/// multiplies (<see cref="MapX"/>, <see cref="MapY"/>).</item>
/// <item><c>orig_im_size</c>: (h, w).</item>
/// <item>Postprocessing: ONE bilinear resize (<c>align_corners=False</c>) of the 256 x 256 logits straight to (h, w), then
/// <c>logit &gt; maskThreshold</c>; the graph's <c>masks</c> output is exactly that resize when the graph has it.</item>
/// </list>
/// The mask-selection rules and the optional clean-up are in <see cref="Sam2MaskRules"/>.
/// </summary>
internal sealed class Sam2Profile : ModelProfile
{
    private readonly Sam2Preprocessor _preprocessor = new();

    private Sam2Profile()
    {
    }

    /// <summary>The one instance.</summary>
    public static Sam2Profile Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "sam2";

    /// <inheritdoc/>
    public override PreprocessingProfile Kind => PreprocessingProfile.Sam2;

    /// <inheritdoc/>
    public override MaskSelection DefaultSelection => MaskSelection.DynamicMultimaskViaStability;

    /// <summary>The SAM 2 decoder's own <c>masks</c> output is read when the graph has it (the one resize, done by the graph).</summary>
    public static bool UsesGraphMasks => true;

    /// <summary>x in original pixels to the 1024 frame: <c>x / W * 1024</c> in float32 (SAM 2's order of operations).</summary>
    /// <param name="x">The coordinate.</param>
    /// <param name="frame">The image's frame.</param>
    /// <returns>The frame coordinate.</returns>
    public static float MapX(float x, ImageFrame frame) => x / frame.OriginalWidth * frame.ResizedWidth;

    /// <summary>y in original pixels to the 1024 frame: <c>y / H * 1024</c> in float32.</summary>
    /// <param name="y">The coordinate.</param>
    /// <param name="frame">The image's frame.</param>
    /// <returns>The frame coordinate.</returns>
    public static float MapY(float y, ImageFrame frame) => y / frame.OriginalHeight * frame.ResizedHeight;

    /// <inheritdoc/>
    public override EncoderInput Preprocess(ImageBuffer image, EncoderVariant encoder, float[] destination)
    {
        _preprocessor.Preprocess(image, destination.AsSpan(0, FrameLength));
        return new EncoderInput(FrameShape, FrameLength, CreateFrame(image.Width, image.Height));
    }

    /// <inheritdoc/>
    public override ImageFrame CreateFrame(int width, int height) =>
        new(width, height, SamContract.FrameSize, SamContract.FrameSize, SamContract.FrameSize, SamContract.LowResSide);

    /// <summary>The decoder's <c>orig_im_size</c> input: (h, w).</summary>
    /// <param name="frame">The image's frame.</param>
    /// <returns>Height and width as float32.</returns>
    public static float[] OrigImSize(ImageFrame frame) => [frame.OriginalHeight, frame.OriginalWidth];

    /// <inheritdoc/>
    public override MaskThresholds Thresholds(float maskThreshold, float stabilityOffset)
    {
        (float low, float high) = StabilityScore.Thresholds(maskThreshold, stabilityOffset);
        return new MaskThresholds(maskThreshold, low, high);
    }

    /// <inheritdoc/>
    public override void WriteMaskValues(ReadOnlySpan<float> lowResolution, ImageFrame frame, Span<float> destination) =>
        MaskLogitUpsampler.ResizeBilinear(lowResolution, SamContract.LowResSide, SamContract.LowResSide, destination, frame.OriginalWidth, frame.OriginalHeight);

    /// <inheritdoc/>
    public override (int AboveLow, int AboveHigh, int NonFinite) ThresholdMask(ReadOnlySpan<float> lowResolution, ImageFrame frame, MaskThresholds thresholds, Span<byte> mask)
    {
        var sink = new MaskThresholdSink(mask, frame.OriginalWidth, thresholds.Mask, thresholds.StabilityLow, thresholds.StabilityHigh);
        MaskLogitUpsampler.ResizeBilinearStreaming(lowResolution, SamContract.LowResSide, SamContract.LowResSide, frame.OriginalWidth, frame.OriginalHeight, ref sink);
        return (sink.AboveLow, sink.AboveHigh, sink.NonFinite);
    }

    /// <summary>The mask values at the original size: the graph's <c>masks</c> plane when given, else the one resize.</summary>
    /// <param name="lowResolution">The candidate's 256 x 256 logits.</param>
    /// <param name="graphMask">The graph's plane at the original size, or empty.</param>
    /// <param name="frame">The image's frame.</param>
    /// <param name="destination">Original-size destination.</param>
    public void WriteMaskValues(ReadOnlySpan<float> lowResolution, ReadOnlySpan<float> graphMask, ImageFrame frame, Span<float> destination)
    {
        if (graphMask.IsEmpty)
        {
            MaskLogitUpsampler.ResizeBilinear(lowResolution, SamContract.LowResSide, SamContract.LowResSide, destination, frame.OriginalWidth, frame.OriginalHeight);
        }
        else
        {
            graphMask.CopyTo(destination);
        }
    }
}
