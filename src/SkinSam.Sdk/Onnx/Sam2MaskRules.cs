using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// SAM 2.1's prompt sequence and mask rules (<c>SAM2ImagePredictor._prep_prompts</c>, <c>_predict</c> and
/// <c>MaskDecoder._dynamic_multimask_via_stability</c>; docs/models.md, "SDK rules for the sam2 profile").
/// </summary>
internal static class Sam2MaskRules
{
    /// <summary>The stability margin of the single-mask fallback, in logits (<c>dynamic_multimask_stability_delta</c>).</summary>
    public const float StabilityDelta = 0.05f;

    /// <summary>Token 0 is kept when its stability is at least this (<c>dynamic_multimask_stability_thresh</c>).</summary>
    public const float StabilityThreshold = 0.98f;

    /// <summary>The low-resolution logits a result hands back are clamped to +-32, as the predictor returns them.</summary>
    public const float LowResClamp = 32f;

    /// <summary>
    /// The decoder's point rows: box corners first (labels 2, 3), then the clicks in order, then one padding point
    /// (0, 0) labelled -1 whenever there is a point or a box and the graph does not append it itself. A mask
    /// prompt alone has no rows.
    /// </summary>
    public static (float[] Coords, float[] Labels) BuildPointInputs(SegmentationPrompt prompt, ImageFrame frame, bool graphAppendsPadding)
    {
        int clicks = prompt.Points.Count;
        bool any = clicks > 0 || prompt.Box is not null;
        int n = clicks + (prompt.Box is null ? 0 : 2) + (any && !graphAppendsPadding ? 1 : 0);
        var coords = new float[n * 2];
        var labels = new float[n];
        int row = 0;
        if (prompt.Box is { } b)
        {
            coords[0] = Sam2Profile.MapX(b.X0, frame);
            coords[1] = Sam2Profile.MapY(b.Y0, frame);
            labels[0] = 2f;
            coords[2] = Sam2Profile.MapX(b.X1, frame);
            coords[3] = Sam2Profile.MapY(b.Y1, frame);
            labels[1] = 3f;
            row = 2;
        }

        foreach (PromptPoint p in prompt.Points)
        {
            coords[row * 2] = Sam2Profile.MapX(p.X, frame);
            coords[(row * 2) + 1] = Sam2Profile.MapY(p.Y, frame);
            labels[row++] = (float)p.Label;
        }

        if (row < n)
        {
            labels[row] = -1f;
        }

        return (coords, labels);
    }

    /// <summary>count(logit &gt; 0.05) / count(logit &gt; -0.05) over one mask's low-resolution logits; 1 when nothing exceeds -0.05.</summary>
    public static float LowResStability(ReadOnlySpan<float> lowRes)
    {
        int inner = 0, outer = 0;
        foreach (float v in lowRes)
        {
            inner += v > StabilityDelta ? 1 : 0;
            outer += v > -StabilityDelta ? 1 : 0;
        }

        return outer > 0 ? (float)inner / outer : 1f;
    }

    /// <summary>
    /// The candidate (an index into <paramref name="tokens"/>) a rule picks. <paramref name="tokens"/> are the
    /// decoder's token indices of the K candidates (0..3 when the graph returns all four, 1..3 for three).
    /// </summary>
    public static int Select(MaskSelection rule, ReadOnlySpan<int> tokens, ReadOnlySpan<float> iou, ReadOnlySpan<float> lowRes, int lowResLength)
    {
        int zero = tokens.IndexOf(0);
        switch (rule)
        {
            case MaskSelection.DynamicMultimaskViaStability:
                if (zero >= 0 && (tokens.Length == 1 || LowResStability(lowRes.Slice(zero * lowResLength, lowResLength)) >= StabilityThreshold))
                {
                    return zero;
                }

                return BestIou(tokens, iou, skipToken0: true);
            case MaskSelection.PredictorFirstMask:
                return zero >= 0 ? zero : 0;
            case MaskSelection.HighestPredictedIou:
                return BestIou(tokens, iou, skipToken0: false);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, $"Expected a SAM 2.1 selection rule; got {rule}.");
        }
    }

    // torch.argmax: the first of equal maxima.
    private static int BestIou(ReadOnlySpan<int> tokens, ReadOnlySpan<float> iou, bool skipToken0)
    {
        int best = -1;
        for (int i = 0; i < tokens.Length; i++)
        {
            if (skipToken0 && tokens[i] == 0 && tokens.Length > 1)
            {
                continue;
            }

            if (best < 0 || iou[i] > iou[best])
            {
                best = i;
            }
        }

        return best;
    }
}
