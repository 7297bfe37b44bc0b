using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// Everything that differs between the ways a SAM v1 model's weights expect to be used, in one named object
/// (DESIGN 3): how an image becomes the encoder input, how prompt coordinates map into the model's frame, what
/// the mask comes back from the decoder's low-resolution logits to the original size, the thresholds,
/// and the default mask selection. <see cref="SamOnnxModel"/> runs the sessions and asks the profile; it holds
/// no profile decision of its own.
/// </summary>
/// <remarks>
/// The profile is a property of the weights, named by <c>model.json</c>'s <c>preprocessing</c>
/// (<see cref="PreprocessingProfile"/>). Instances are stateless singletons, safe from many threads.
/// </remarks>
internal abstract class ModelProfile
{
    private float[]? _unfetchedMasksSize;

    /// <summary>The NCHW encoder input shape of the SAM v1 contract, [1, 3, 1024, 1024].</summary>
    protected static readonly long[] FrameShape = [1, 3, SamContract.FrameSize, SamContract.FrameSize];

    /// <summary>Floats in the NCHW encoder input of the SAM v1 contract's 1024 frame.</summary>
    public const int FrameLength = 3 * SamContract.FrameSize * SamContract.FrameSize;

    /// <summary>Side of the square encoder input this profile writes (the manifest's <c>inputSize</c>); 1024 unless a profile says otherwise.</summary>
    public virtual int InputSide => SamContract.FrameSize;

    /// <summary>
    /// The <c>orig_im_size</c> the SDK feeds the decoder, (h, w) = (1, <see cref="InputSide"/>), whatever the image size:
    /// the graph's <c>masks</c> output is never fetched, but ONNX Runtime runs every node, so with the real size it would
    /// still build K original-size planes. For (1, frame side) the graph's crop keeps one row of its frame, for every
    /// frame side (see <see cref="SamContract.UnfetchedMasksSize"/>).
    /// </summary>
    public float[] UnfetchedMasksSize => _unfetchedMasksSize ??= [1f, InputSide];

    /// <summary>Floats in the NCHW encoder input this profile writes: <c>3 * InputSide * InputSide</c>.</summary>
    public int InputLength => 3 * InputSide * InputSide;

    /// <summary>The manifest name of this profile, e.g. <c>sam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The profile's enum value.</summary>
    public abstract PreprocessingProfile Kind { get; }

    /// <summary>The rule <see cref="MaskSelection.ModelDefault"/> resolves to.</summary>
    public abstract MaskSelection DefaultSelection { get; }

    /// <summary>The profile of a manifest's <c>preprocessing</c> value and <c>inputSize</c>.</summary>
    /// <param name="profile">The manifest's profile.</param>
    /// <param name="inputSize">The manifest's <c>inputSize</c> (checked by <see cref="ModelManifest.Parse"/>: 1024 for MedSAM).</param>
    /// <returns>The shared instance for it.</returns>
    public static ModelProfile For(PreprocessingProfile profile, int inputSize = SamContract.FrameSize) => profile switch
    {
        PreprocessingProfile.Sam => SamProfile.ForInputSize(inputSize),
        PreprocessingProfile.MedSam => MedSamProfile.Instance,
        PreprocessingProfile.Sam2 => Sam2Profile.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, $"Expected a defined {nameof(PreprocessingProfile)}; got {(int)profile}."),
    };

    /// <summary>Refuses a manifest whose declared variants the profile cannot run, before any session is created.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="manifestPath">Its path, for the message.</param>
    /// <exception cref="ModelLoadException">The declared variants do not fit the profile.</exception>
    public virtual void CheckManifest(ModelManifest manifest, string manifestPath)
    {
    }

    /// <summary>Refuses detected ONNX variants the profile cannot run.</summary>
    /// <param name="encoder">The detected encoder variant.</param>
    /// <param name="decoder">The detected decoder variant.</param>
    /// <param name="encoderPath">The encoder file, for the message.</param>
    /// <param name="decoderPath">The decoder file, for the message.</param>
    /// <exception cref="ModelContractException">A variant does not fit the profile.</exception>
    public virtual void CheckVariants(EncoderVariant encoder, DecoderVariant decoder, string encoderPath, string decoderPath)
    {
    }

    /// <summary>Writes the encoder input for <paramref name="image"/> into <paramref name="destination"/>.</summary>
    /// <param name="image">A non-empty image.</param>
    /// <param name="encoder">The encoder export the input is for.</param>
    /// <param name="destination">At least <see cref="InputLength"/> floats.</param>
    /// <returns>The tensor's shape and length, and the image's size in the model's frame.</returns>
    public abstract EncoderInput Preprocess(ImageBuffer image, EncoderVariant encoder, float[] destination);

    /// <summary>
    /// Factors from original pixels to the model's frame for prompt coordinates: <c>x * ScaleX</c>, <c>y * ScaleY</c>.
    /// Both profiles map by <c>resized / original</c> per axis (<see cref="ImageFrame.PromptScaleX"/>); a family
    /// whose prompts map otherwise overrides this.
    /// </summary>
    /// <param name="frame">The frame of the embedding the prompt is decoded against.</param>
    /// <returns>The two factors.</returns>
    public virtual (double ScaleX, double ScaleY) PromptScale(ImageFrame frame) => (frame.PromptScaleX, frame.PromptScaleY);

    /// <summary>
    /// The frame of an image of <paramref name="width"/> x <paramref name="height"/>: the one place the resized size
    /// is decided (what <see cref="Preprocess"/> writes and what an embedding is checked against).
    /// </summary>
    /// <param name="width">Original width.</param>
    /// <param name="height">Original height.</param>
    /// <returns>The frame.</returns>
    public abstract ImageFrame CreateFrame(int width, int height);

    /// <summary>
    /// The thresholds on the values <see cref="WriteMaskValues"/> writes: the mask is <c>value &gt; Mask</c>, and
    /// the stability score counts <c>value &gt; High</c> over <c>value &gt; Low</c>.
    /// </summary>
    /// <param name="maskThreshold">The manifest's <c>maskThreshold</c>, a logit.</param>
    /// <param name="stabilityOffset">The stability offset, in logits.</param>
    /// <returns>The three thresholds.</returns>
    public abstract MaskThresholds Thresholds(float maskThreshold, float stabilityOffset);

    /// <summary>
    /// Writes the values the mask is thresholded on, at the original size, for one candidate mask: what
    /// <see cref="ThresholdMask"/> thresholds, for callers that asked for the logits.
    /// </summary>
    /// <param name="lowResolution">The candidate's 256 x 256 <c>low_res_masks</c> logits.</param>
    /// <param name="frame">The image's frame: the route from the low-resolution side back to the original size.</param>
    /// <param name="destination"><c>OriginalWidth * OriginalHeight</c> values.</param>
    public abstract void WriteMaskValues(ReadOnlySpan<float> lowResolution, ImageFrame frame, Span<float> destination);

    /// <summary>
    /// Thresholds one candidate straight from its low-resolution logits into <paramref name="mask"/>, with the
    /// stability counts, streaming the upsampled values a block of rows at a time: bit-identical to
    /// <see cref="WriteMaskValues"/> then <see cref="MaskThreshold.ApplyAndCount"/>, without the original-size float
    /// plane (4 bytes per pixel; 324 MB at 9000 x 9000).
    /// </summary>
    /// <param name="lowResolution">The candidate's 256 x 256 <c>low_res_masks</c> logits.</param>
    /// <param name="frame">The image's frame.</param>
    /// <param name="thresholds">From <see cref="Thresholds"/>.</param>
    /// <param name="mask"><c>OriginalWidth * OriginalHeight</c> bytes, every one written.</param>
    /// <returns>The values above the low and the high stability threshold, and the count of NaN or infinite values.</returns>
    public abstract (int AboveLow, int AboveHigh, int NonFinite) ThresholdMask(ReadOnlySpan<float> lowResolution, ImageFrame frame, MaskThresholds thresholds, Span<byte> mask);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
