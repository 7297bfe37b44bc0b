namespace SkinSam.Sdk.Automatic;

/// <summary>The crops and point grids of the automatic mask generator, as segment_anything lays them out.</summary>
internal static class CropLayout
{
    /// <summary>
    /// The whole image (layer 0), then per layer i = 1..layers a 2^i x 2^i grid of overlapping crops: x origins outer,
    /// y origins inner. Boxes are (x0, y0, x1, y1), right and bottom exclusive.
    /// </summary>
    internal static List<(int X0, int Y0, int X1, int Y1, int Layer)> Boxes(int width, int height, int layers, double overlapRatio)
    {
        var boxes = new List<(int, int, int, int, int)> { (0, 0, width, height, 0) };
        int shortSide = Math.Min(width, height);
        for (int i = 0; i < layers; i++)
        {
            int n = 1 << (i + 1);
            int overlap = (int)(overlapRatio * shortSide * (2.0 / n));
            int cw = (int)Math.Ceiling(((overlap * (n - 1)) + width) / (double)n);
            int ch = (int)Math.Ceiling(((overlap * (n - 1)) + height) / (double)n);
            for (int a = 0; a < n; a++)
            {
                int x0 = (int)((double)(cw - overlap) * a);
                for (int b = 0; b < n; b++)
                {
                    int y0 = (int)((double)(ch - overlap) * b);
                    boxes.Add((x0, y0, Math.Min(x0 + cw, width), Math.Min(y0 + ch, height), i + 1));
                }
            }
        }

        return boxes;
    }

    /// <summary>Points per side on a layer: <c>int(pointsPerSide / factor^layer)</c>.</summary>
    internal static int PointsPerSide(int pointsPerSide, int factor, int layer) => (int)(pointsPerSide / Math.Pow(factor, layer));

    /// <summary>
    /// The grid scaled to a crop: cell centres ((k + 0.5) / n) times the crop's width and height, y outer, x inner,
    /// in double precision like numpy's float64.
    /// </summary>
    internal static (double X, double Y)[] Points(int n, int cropWidth, int cropHeight)
    {
        var points = new (double X, double Y)[n * n];
        for (int r = 0; r < n; r++)
        {
            double y = ((r + 0.5) / n) * cropHeight;
            for (int c = 0; c < n; c++)
            {
                points[(r * n) + c] = (((c + 0.5) / n) * cropWidth, y);
            }
        }

        return points;
    }
}
