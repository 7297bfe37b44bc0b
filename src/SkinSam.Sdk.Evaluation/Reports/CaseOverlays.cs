using System.Globalization;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>
/// The best and worst cases of a run by Dice as overlays: the prediction tinted and outlined in green, the ground truth
/// outlined in red, the prompt box in yellow; small images are enlarged (nearest neighbour) to at least 400 pixels wide.
/// Built from the records alone (predicted mask as RLE, image and mask paths); records whose files are gone are skipped.
/// </summary>
internal static class CaseOverlays
{
    private static readonly PlotColor Predicted = new(0, 220, 90);
    private static readonly PlotColor Truth = new(230, 30, 30);
    private static readonly PlotColor PromptColor = new(255, 220, 0);

    public static void WriteBestAndWorst(string folder, IReadOnlyList<EvaluationRecord> records, int count)
    {
        Directory.CreateDirectory(folder);
        foreach (string old in Directory.EnumerateFiles(folder, "*.png").Where(f => Path.GetFileName(f).StartsWith("best_", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("worst_", StringComparison.Ordinal)))
        {
            File.Delete(old);
        }

        List<EvaluationRecord> usable = [.. records
            .Where(r => r.MaskRle is not null && r.ImagePath is not null && r.MaskPath is not null && double.IsFinite(r.Dice))
            .OrderBy(r => r.Dice).ThenBy(r => r.ImageId, StringComparer.Ordinal)];
        int k = Math.Min(count, usable.Count / 2);
        for (int i = 0; i < k; i++)
        {
            TryWrite(Path.Combine(folder, $"worst_{i + 1}_{usable[i].ImageId}.png"), usable[i]);
            EvaluationRecord best = usable[usable.Count - 1 - i];
            TryWrite(Path.Combine(folder, $"best_{i + 1}_{best.ImageId}.png"), best);
        }
    }

    private static void TryWrite(string path, EvaluationRecord record)
    {
        ImageBuffer image;
        BinaryMask truth;
        try
        {
            image = ImageFile.Load(record.ImagePath!);
            truth = GroundTruthFile.Load(record.MaskPath!, image.Width, image.Height);
        }
        catch (Exception ex) when (ex is IOException or ImageDecodeException or DatasetException or UnauthorizedAccessException)
        {
            return;
        }

        BinaryMask predicted = CocoRle.FromCompressedString(record.MaskRle!, image.Width, image.Height).ToMask();
        int scale = Math.Max(1, (int)Math.Ceiling(400.0 / image.Width));
        int w = image.Width * scale, h = image.Height * scale;
        var canvas = new PlotCanvas(w, h + 16, new PlotColor(255, 255, 255));
        byte[] rgb = image.ToRgb24Array();
        Span<byte> target = canvas.Pixels;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int sx = x / scale, sy = y / scale;
                int s = ((sy * image.Width) + sx) * 3;
                int t = ((y * w) + x) * 3;
                bool inPred = predicted[sx, sy];
                for (int c = 0; c < 3; c++)
                {
                    byte tint = c == 0 ? Predicted.R : c == 1 ? Predicted.G : Predicted.B;
                    target[t + c] = inPred ? (byte)((rgb[s + c] * 0.65) + (tint * 0.35) + 0.5) : rgb[s + c];
                }
            }
        }

        Outline(canvas, predicted, scale, Predicted);
        Outline(canvas, truth, scale, Truth);
        if (record.Prompt.Box is { Length: 4 } b)
        {
            canvas.StrokeRect((int)(b[0] * scale), (int)(b[1] * scale), Math.Max(1, (int)((b[2] - b[0]) * scale)), Math.Max(1, (int)((b[3] - b[1]) * scale)), PromptColor);
        }

        foreach (float[] p in record.Prompt.Points)
        {
            canvas.FillRect((int)(p[0] * scale) - 2, (int)(p[1] * scale) - 2, 5, 5, PromptColor);
        }

        string label = string.Create(CultureInfo.InvariantCulture, $"{record.ImageId} {record.LesionType ?? EvaluationReport.UnknownGroup} dice {record.Dice:0.000}");
        canvas.Text(2, h + 3, label, new PlotColor(30, 30, 30));
        canvas.Save(path);
    }

    private static void Outline(PlotCanvas canvas, BinaryMask mask, int scale, PlotColor color)
    {
        int w = mask.Width, h = mask.Height;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (!mask[x, y])
                {
                    continue;
                }

                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask[x - 1, y] || !mask[x + 1, y] || !mask[x, y - 1] || !mask[x, y + 1];
                if (edge)
                {
                    canvas.FillRect(x * scale, y * scale, scale, scale, color);
                }
            }
        }
    }
}
