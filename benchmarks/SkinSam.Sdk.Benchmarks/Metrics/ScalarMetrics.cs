namespace SkinSam.Sdk.Benchmarks.Metrics;

/// <summary>
/// Baselines: the metrics written the obvious way. Region metrics from a per-pixel confusion count;
/// boundary metrics by brute force (every surface pixel against every surface pixel of the other mask),
/// with the same definitions as the SDK (4-neighbour surface, symmetric union, numpy-style linear percentile).
/// </summary>
public static class ScalarMetrics
{
    /// <summary>Pixel accuracy, Dice, IoU, precision, sensitivity, specificity.</summary>
    /// <param name="predicted">Predicted mask, nonzero = foreground.</param>
    /// <param name="truth">Ground truth, same layout.</param>
    /// <returns>The six metrics in that order.</returns>
    public static (double Accuracy, double Dice, double IoU, double Precision, double Sensitivity, double Specificity) Region(byte[] predicted, byte[] truth)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            bool p = predicted[i] != 0, g = truth[i] != 0;
            if (p && g)
            {
                tp++;
            }
            else if (p)
            {
                fp++;
            }
            else if (g)
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return (
            (double)(tp + tn) / predicted.Length,
            2.0 * tp / Math.Max(1, (2 * tp) + fp + fn),
            (double)tp / Math.Max(1, tp + fp + fn),
            (double)tp / Math.Max(1, tp + fp),
            (double)tp / Math.Max(1, tp + fn),
            (double)tn / Math.Max(1, tn + fp));
    }

    /// <summary>HD95, ASSD and Hausdorff distance in pixels, by brute force.</summary>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="predicted">Predicted mask.</param>
    /// <param name="truth">Ground truth.</param>
    /// <returns>The three distances.</returns>
    public static (double Hd95, double Assd, double Hd) Boundary(int width, int height, byte[] predicted, byte[] truth)
    {
        List<(int X, int Y)> sp = Surface(width, height, predicted), sg = Surface(width, height, truth);
        var all = new List<double>(sp.Count + sg.Count);
        Directed(sp, sg, all);
        Directed(sg, sp, all);
        all.Sort();
        double rank = 0.95 * (all.Count - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        double hd95 = all[lo] + ((all[hi] - all[lo]) * (rank - lo));
        return (hd95, all.Average(), all[^1]);
    }

    private static void Directed(List<(int X, int Y)> from, List<(int X, int Y)> to, List<double> into)
    {
        foreach ((int x, int y) in from)
        {
            long best = long.MaxValue;
            foreach ((int u, int v) in to)
            {
                long d = ((long)(x - u) * (x - u)) + ((long)(y - v) * (y - v));
                best = Math.Min(best, d);
            }

            into.Add(Math.Sqrt(best));
        }
    }

    private static List<(int X, int Y)> Surface(int width, int height, byte[] mask)
    {
        var surface = new List<(int, int)>();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (mask[(y * width) + x] == 0)
                {
                    continue;
                }

                bool edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || mask[(y * width) + x - 1] == 0 || mask[(y * width) + x + 1] == 0
                    || mask[((y - 1) * width) + x] == 0 || mask[((y + 1) * width) + x] == 0;
                if (edge)
                {
                    surface.Add((x, y));
                }
            }
        }

        return surface;
    }
}
