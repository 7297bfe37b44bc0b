namespace SkinSam.Sdk.Prompts;

/// <summary>What a prompt point says about the pixel under it.</summary>
public enum PointLabel
{
    /// <summary>The point is background: the mask should not cover it (SAM label 0).</summary>
    Negative = 0,

    /// <summary>The point is on the lesion (SAM label 1).</summary>
    Positive = 1,
}
