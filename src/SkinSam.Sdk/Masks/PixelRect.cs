namespace SkinSam.Sdk.Masks;

/// <summary>An axis-aligned rectangle of whole pixels: columns <see cref="X"/> to <c>X + Width - 1</c>, rows <see cref="Y"/> to <c>Y + Height - 1</c>.</summary>
/// <param name="X">Left column.</param>
/// <param name="Y">Top row.</param>
/// <param name="Width">Width in pixels; 0 for the empty rectangle.</param>
/// <param name="Height">Height in pixels; 0 for the empty rectangle.</param>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>The rectangle of an empty mask.</summary>
    public static PixelRect Empty => default;

    /// <summary>True when the rectangle holds no pixel.</summary>
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>One past the rightmost column.</summary>
    public int Right => X + Width;

    /// <summary>One past the bottom row.</summary>
    public int Bottom => Y + Height;
}
