using System.Globalization;
using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>Dice distributions as PNG charts: box plots per lesion type (runs side by side) and a histogram.</summary>
/// <remarks>
/// Box plot: the box spans the first to the third quartile with the median as a line; whiskers reach the most extreme
/// values within 1.5 interquartile ranges; values beyond are drawn as dots. The y axis is Dice from 0 to 1.
/// </remarks>
internal static class DicePlots
{
    private static readonly PlotColor White = new(255, 255, 255);
    private static readonly PlotColor Black = new(30, 30, 30);
    private static readonly PlotColor Grid = new(225, 225, 225);
    private static readonly PlotColor[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75),
    ];

    private const int PlotHeight = 300;
    private const int Top = 50;
    private const int Left = 50;

    public static void WriteBoxPlot(string path, IReadOnlyList<EvaluationReport> reports)
    {
        List<string> groups = ["overall"];
        foreach (EvaluationReport r in reports)
        {
            foreach (string label in r.Rows.Select(EvaluationReport.RowLabel))
            {
                if (!groups.Contains(label))
                {
                    groups.Add(label);
                }
            }
        }

        int boxWidth = 22, gap = 6;
        int slot = Math.Max((reports.Count * (boxWidth + gap)) + 20, PixelFont.Measure("atypical-nevus", 1) + 8);
        int width = Left + (groups.Count * slot) + 20;
        int height = Top + PlotHeight + 40 + (reports.Count * 14);
        var canvas = new PlotCanvas(width, height, White);
        canvas.Text(Left, 8, "dice by lesion type", Black);
        DrawAxis(canvas, width);
        for (int gi = 0; gi < groups.Count; gi++)
        {
            int slotX = Left + (gi * slot);
            string label = groups[gi];
            canvas.Text(slotX + ((slot - PixelFont.Measure(label, 1)) / 2), Top + PlotHeight + 8, label, Black, 1);
            int start = slotX + ((slot - (reports.Count * (boxWidth + gap)) + gap) / 2);
            for (int ri = 0; ri < reports.Count; ri++)
            {
                double[] values = [.. reports[ri].Records
                    .Where(rec => label == "overall" || EvaluationReport.GroupOf(rec) == label)
                    .Select(rec => rec.Dice).Where(double.IsFinite).Order()];
                if (values.Length > 0)
                {
                    DrawBox(canvas, start + (ri * (boxWidth + gap)), boxWidth, values, Palette[ri % Palette.Length]);
                }

                string n = values.Length.ToString(CultureInfo.InvariantCulture);
                canvas.Text(start + (ri * (boxWidth + gap)) + ((boxWidth - PixelFont.Measure(n, 1)) / 2), Top + PlotHeight + 18, n, Black, 1);
            }
        }

        for (int ri = 0; ri < reports.Count; ri++)
        {
            int y = Top + PlotHeight + 32 + (ri * 14);
            canvas.FillRect(Left, y, 10, 10, Palette[ri % Palette.Length]);
            canvas.Text(Left + 16, y, reports[ri].Description.Label, Black);
        }

        canvas.Save(path);
    }

    public static void WriteHistogram(string path, EvaluationReport report)
    {
        const int bins = 50, barWidth = 8;
        int width = Left + (bins * barWidth) + 30;
        int height = Top + PlotHeight + 40;
        int[] counts = new int[bins];
        foreach (EvaluationRecord r in report.Records)
        {
            if (double.IsFinite(r.Dice))
            {
                counts[Math.Clamp((int)(r.Dice * bins), 0, bins - 1)]++;
            }
        }

        int max = Math.Max(1, counts.Max());
        var canvas = new PlotCanvas(width, height, White);
        canvas.Text(Left, 8, $"dice histogram: {report.Description.Label} (n={report.Records.Count}, max bin {max})", Black);
        canvas.VLine(Left - 1, Top, Top + PlotHeight, Black);
        canvas.HLine(Left - 1, Left + (bins * barWidth), Top + PlotHeight, Black);
        for (int b = 0; b < bins; b++)
        {
            int h = (int)Math.Round(counts[b] / (double)max * PlotHeight);
            canvas.FillRect(Left + (b * barWidth), Top + PlotHeight - h, barWidth - 1, h, Palette[0]);
        }

        for (int t = 0; t <= 10; t += 2)
        {
            int x = Left + (t * bins * barWidth / 10);
            canvas.VLine(x, Top + PlotHeight, Top + PlotHeight + 4, Black);
            string label = (t / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
            canvas.Text(x - (PixelFont.Measure(label, 1) / 2), Top + PlotHeight + 8, label, Black, 1);
        }

        canvas.Save(path);
    }

    private static void DrawAxis(PlotCanvas canvas, int width)
    {
        for (int t = 0; t <= 10; t++)
        {
            int y = Y(t / 10.0);
            canvas.HLine(Left, width - 10, y, Grid);
            if (t % 2 == 0)
            {
                string label = (t / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
                canvas.Text(Left - 8 - PixelFont.Measure(label, 2), y - 5, label, Black);
            }
        }

        canvas.VLine(Left - 1, Top, Top + PlotHeight, Black);
    }

    private static void DrawBox(PlotCanvas canvas, int x, int width, double[] sorted, PlotColor color)
    {
        double q1 = Quantile(sorted, 0.25), median = Quantile(sorted, 0.5), q3 = Quantile(sorted, 0.75);
        double iqr = q3 - q1;
        double low = sorted.First(v => v >= q1 - (1.5 * iqr));
        double high = sorted.Last(v => v <= q3 + (1.5 * iqr));
        int cx = x + (width / 2);
        canvas.VLine(cx, Y(high), Y(q3), Black);
        canvas.VLine(cx, Y(q1), Y(low), Black);
        canvas.HLine(cx - (width / 4), cx + (width / 4), Y(high), Black);
        canvas.HLine(cx - (width / 4), cx + (width / 4), Y(low), Black);
        int top = Y(q3), bottom = Y(q1);
        canvas.FillRect(x, top, width, Math.Max(1, bottom - top + 1), color);
        canvas.StrokeRect(x, top, width, Math.Max(1, bottom - top + 1), Black);
        canvas.FillRect(x, Y(median) - 1, width, 2, White);
        foreach (double v in sorted)
        {
            if (v < low || v > high)
            {
                canvas.FillRect(cx - 1, Y(v) - 1, 3, 3, color);
            }
        }
    }

    private static int Y(double dice) => Top + (int)Math.Round((1 - Math.Clamp(dice, 0, 1)) * PlotHeight);

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
