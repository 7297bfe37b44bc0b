namespace SkinSam.Sdk.Metrics;

/// <summary>
/// The physical size of one pixel, used by the boundary metrics: distances come out in the same unit
/// (for example millimetres). <see cref="Unit"/> measures distances in pixels.
/// </summary>
public readonly record struct PixelSpacing
{
    /// <summary>Creates a spacing.</summary>
    /// <param name="x">Width of a pixel (distance between neighbouring columns), finite and above 0.</param>
    /// <param name="y">Height of a pixel (distance between neighbouring rows), finite and above 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A spacing is not finite and positive.</exception>
    public PixelSpacing(double x, double y)
    {
        if (!double.IsFinite(x) || x <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, $"Expected a finite pixel width above 0; got {x}.");
        }

        if (!double.IsFinite(y) || y <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Expected a finite pixel height above 0; got {y}.");
        }

        X = x;
        Y = y;
    }

    /// <summary>One unit per pixel in both directions: distances in pixels.</summary>
    public static PixelSpacing Unit => new(1.0, 1.0);

    /// <summary>Width of a pixel (distance between neighbouring columns).</summary>
    public double X { get; }

    /// <summary>Height of a pixel (distance between neighbouring rows).</summary>
    public double Y { get; }

    /// <summary>Throws when this is the default value (0, 0), which no constructor call produces.</summary>
    internal void EnsureValid()
    {
        if (!(X > 0 && Y > 0))
        {
            throw new ArgumentException($"Expected a pixel spacing made by its constructor (both sides above 0); got ({X}, {Y}).", "spacing");
        }
    }
}
