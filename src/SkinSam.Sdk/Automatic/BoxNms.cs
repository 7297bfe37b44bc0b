namespace SkinSam.Sdk.Automatic;

/// <summary>
/// Greedy non-maximum suppression over (x0, y0, x1, y1) boxes, as torchvision's <c>nms</c> computes it (areas
/// (x1 - x0) * (y1 - y0), suppress when IoU is above the threshold), with a stable order on equal scores.
/// </summary>
internal static class BoxNms
{
    /// <summary>The indices kept, in descending score order (equal scores keep their input order).</summary>
    internal static int[] Run(ReadOnlySpan<(int X0, int Y0, int X1, int Y1)> boxes, ReadOnlySpan<float> scores, double threshold)
    {
        int n = boxes.Length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        float[] keys = scores.ToArray();
        Array.Sort(order, Comparer(keys));
        bool[] suppressed = new bool[n];
        var keep = new List<int>(n);
        for (int a = 0; a < n; a++)
        {
            int i = order[a];
            if (suppressed[i])
            {
                continue;
            }

            keep.Add(i);
            (int X0, int Y0, int X1, int Y1) bi = boxes[i];
            double areaI = (double)(bi.X1 - bi.X0) * (bi.Y1 - bi.Y0);
            for (int b = a + 1; b < n; b++)
            {
                int j = order[b];
                if (suppressed[j])
                {
                    continue;
                }

                (int X0, int Y0, int X1, int Y1) bj = boxes[j];
                double iw = Math.Max(0, Math.Min(bi.X1, bj.X1) - Math.Max(bi.X0, bj.X0));
                double ih = Math.Max(0, Math.Min(bi.Y1, bj.Y1) - Math.Max(bi.Y0, bj.Y0));
                double inter = iw * ih;
                double union = areaI + ((double)(bj.X1 - bj.X0) * (bj.Y1 - bj.Y0)) - inter;
                if (union > 0 && inter / union > threshold)
                {
                    suppressed[j] = true;
                }
            }
        }

        return [.. keep];
    }

    private static Comparer<int> Comparer(float[] keys) => Comparer<int>.Create((a, b) =>
    {
        int c = keys[b].CompareTo(keys[a]);
        return c != 0 ? c : a.CompareTo(b);
    });
}
