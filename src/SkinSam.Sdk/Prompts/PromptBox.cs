namespace SkinSam.Sdk.Prompts;

/// <summary>A box prompt in original-image pixel coordinates: top-left (<see cref="X0"/>, <see cref="Y0"/>), bottom-right (<see cref="X1"/>, <see cref="Y1"/>).</summary>
/// <param name="X0">Left edge.</param>
/// <param name="Y0">Top edge.</param>
/// <param name="X1">Right edge, greater than <paramref name="X0"/>.</param>
/// <param name="Y1">Bottom edge, greater than <paramref name="Y0"/>.</param>
public readonly record struct PromptBox(float X0, float Y0, float X1, float Y1)
{
    /// <summary>Width of the box.</summary>
    public float Width => X1 - X0;

    /// <summary>Height of the box.</summary>
    public float Height => Y1 - Y0;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"[{X0}, {Y0}, {X1}, {Y1}]");
}
