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
    /// The grid scaled to a crop: cell centres <c>numpy.linspace(1 / 2n, 1 - 1 / 2n, n)</c> (k * step + start, the last
    /// exactly the stop, in double precision as numpy computes it) times the crop's width and height, y outer, x inner.
    /// </summary>
    internal static (double X, double Y)[] Points(int n, int cropWidth, int cropHeight)
    {
        double[] centres = Linspace(1.0 / (2 * n), 1 - (1.0 / (2 * n)), n);
        var points = new (double X, double Y)[n * n];
        for (int r = 0; r < n; r++)
        {
            double y = centres[r] * cropHeight;
            for (int c = 0; c < n; c++)
            {
                points[(r * n) + c] = (centres[c] * cropWidth, y);
            }
        }

        return points;
    }

    private static double[] Linspace(double start, double stop, int n)
    {
        var values = new double[n];
        if (n == 1)
        {
            values[0] = start;
            return values;
        }

        double step = (stop - start) / (n - 1);
        for (int k = 0; k < n; k++)
        {
            values[k] = (k * step) + start;
        }

        values[n - 1] = stop;
        return values;
    }
}
