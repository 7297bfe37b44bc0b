namespace SkinSam.Sdk.Metrics;

/// <summary>How many surface pixels a mask has and the tightest rectangle around them (inclusive bounds).</summary>
/// <param name="Count">Number of surface pixels; the bounds are meaningless when 0.</param>
/// <param name="MinX">Leftmost column.</param>
/// <param name="MinY">Top row.</param>
/// <param name="MaxX">Rightmost column.</param>
/// <param name="MaxY">Bottom row.</param>
internal readonly record struct SurfaceBox(int Count, int MinX, int MinY, int MaxX, int MaxY)
{
    /// <summary>The smallest box holding both (at least one must be non-empty).</summary>
    public static SurfaceBox Union(SurfaceBox a, SurfaceBox b)
    {
        if (a.Count == 0)
        {
            return b;
        }

        if (b.Count == 0)
        {
            return a;
        }

        return new SurfaceBox(
            a.Count + b.Count,
            Math.Min(a.MinX, b.MinX),
            Math.Min(a.MinY, b.MinY),
            Math.Max(a.MaxX, b.MaxX),
            Math.Max(a.MaxY, b.MaxY));
    }
}
