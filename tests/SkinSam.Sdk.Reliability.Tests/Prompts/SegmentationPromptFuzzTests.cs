using FsCheck.Xunit;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Reliability.Tests.Prompts;

/// <summary>
/// Property tests over random prompts: the only failure a bad prompt may cause is <see cref="InvalidPromptException"/>,
/// and a prompt that passes validation decodes.
/// </summary>
[Trait("Category", "Long")]
public sealed class SegmentationPromptFuzzTests
{
    private const int DecodeWidth = 40;
    private const int DecodeHeight = 30;

    // One model and embedding for every generated case (loading per case would dominate the run).
    private static readonly Lazy<(SamOnnxModel Model, ImageEmbedding Embedding)> Shared = new(() =>
    {
        SamOnnxModel model = SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny"));
        return (model, model.Encode(ReliabilityFixtures.SyntheticImage(DecodeWidth, DecodeHeight, 9)));
    });

    [Property(Arbitrary = [typeof(PromptFuzzCase)], MaxTest = 5000)]
    public bool Validate_RandomCoordinates_ThrowsOnlyInvalidPromptAndPassesOnlyFiniteInsideValues(PromptFuzzCase c)
    {
        try
        {
            c.Prompt.Validate(c.Width, c.Height);
        }
        catch (InvalidPromptException ex)
        {
            return ex.Message.StartsWith("Expected ", StringComparison.Ordinal);
        }

        bool Inside(float x, float y) => float.IsFinite(x) && float.IsFinite(y) && x >= 0 && y >= 0 && x <= c.Width && y <= c.Height;
        bool pointsOk = c.Prompt.Points.All(p => Inside(p.X, p.Y) && Enum.IsDefined(p.Label));
        bool boxOk = c.Prompt.Box is not { } b || (Inside(b.X0, b.Y0) && Inside(b.X1, b.Y1) && b.X0 < b.X1 && b.Y0 < b.Y1);
        bool maskOk = c.Prompt.MaskInput is not { } m || m.Length == SegmentationPrompt.LowResMaskSize * SegmentationPrompt.LowResMaskSize;
        return pointsOk && boxOk && maskOk;
    }

    [Property(Arbitrary = [typeof(PromptFuzzCase)], MaxTest = 400)]
    public bool Decode_RandomCoordinates_ThrowsOnlyInvalidPromptOrGivesAMask(PromptFuzzCase c)
    {
        (SamOnnxModel model, ImageEmbedding embedding) = Shared.Value;

        // The same prompt against the fixed 40x30 embedding: coordinates are drawn for c.Width x c.Height, so many fall outside.
        SegmentationResult result;
        try
        {
            result = model.Decode(embedding, c.Prompt);
        }
        catch (InvalidPromptException)
        {
            return true;
        }

        return result.Mask.Width == DecodeWidth && result.Mask.Height == DecodeHeight && float.IsFinite(result.PredictedIou) && float.IsFinite(result.StabilityScore);
    }
}
