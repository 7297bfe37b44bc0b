using System.Numerics.Tensors;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The SAM v1 decoder's prompt inputs and its mask selection: prompt points and box corners as <c>point_coords</c>
/// and <c>point_labels</c> rows (DESIGN 3), and the rule that picks one of the K candidate masks.
/// </summary>
internal static class SamDecoderInputs
{
    /// <summary>The number of <c>point_coords</c> rows of a prompt: its points, then two box corners or one padding point.</summary>
    public static int RowCount(SegmentationPrompt prompt) => prompt.Points.Count + (prompt.Box is null ? 1 : 2);

    /// <summary>The <c>point_coords</c> (x, y pairs in the model's frame) and <c>point_labels</c> rows of a prompt.</summary>
    public static (float[] Coords, float[] Labels) BuildPointInputs(SegmentationPrompt prompt, double scaleX, double scaleY)
    {
        int n = RowCount(prompt);
        var coords = new float[n * 2];
        var labels = new float[n];
        WritePointInputs(prompt, scaleX, scaleY, coords, labels);
        return (coords, labels);
    }

    /// <summary>Writes a prompt's rows (<see cref="RowCount"/> of them) into caller-owned buffers, allocating nothing.</summary>
    public static void WritePointInputs(SegmentationPrompt prompt, double scaleX, double scaleY, Span<float> coords, Span<float> labels)
    {
        int row = 0;
        IReadOnlyList<PromptPoint> points = prompt.Points;
        for (int i = 0; i < points.Count; i++)
        {
            PromptPoint p = points[i];
            coords[row * 2] = (float)(p.X * scaleX);
            coords[(row * 2) + 1] = (float)(p.Y * scaleY);
            labels[row++] = (float)p.Label;
        }

        if (prompt.Box is { } b)
        {
            coords[row * 2] = (float)(b.X0 * scaleX);
            coords[(row * 2) + 1] = (float)(b.Y0 * scaleY);
            labels[row++] = 2f;
            coords[row * 2] = (float)(b.X1 * scaleX);
            coords[(row * 2) + 1] = (float)(b.Y1 * scaleY);
            labels[row] = 3f;
        }
        else
        {
            // SAM's official ONNX usage: without a box, one padding point (0, 0) labelled -1.
            coords[row * 2] = 0f;
            coords[(row * 2) + 1] = 0f;
            labels[row] = -1f;
        }
    }

    /// <summary>Index of the mask a selection rule picks from predicted IoUs; <paramref name="rows"/> counts every row of point_coords.</summary>
    public static int SelectMask(ReadOnlySpan<float> iou, int rows, MaskSelection rule)
    {
        switch (rule)
        {
            case MaskSelection.PredictorFirstMask:
                return 0;
            case MaskSelection.HighestPredictedIou:
                return TensorPrimitives.IndexOfMax(iou);
            case MaskSelection.OfficialOnnx:
                if (iou.Length == 1)
                {
                    return 0;
                }

                // score = iou + (N - 2.5) * [1000, 0, 0, 0]; argmax, first index on ties (torch.argmax).
                float reweight = (rows - 2.5f) * 1000f;
                int best = 0;
                float bestScore = iou[0] + reweight;
                for (int i = 1; i < iou.Length; i++)
                {
                    if (iou[i] > bestScore)
                    {
                        best = i;
                        bestScore = iou[i];
                    }
                }

                return best;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, $"Expected a defined {nameof(MaskSelection)}; got {(int)rule}.");
        }
    }
}
