namespace SkinSam.Sdk.Evaluation.Baselines;

/// <summary>The shape a <see cref="ShapeBaselineModel"/> draws in the prompt's box.</summary>
public enum BaselineShape
{
    /// <summary>The filled box.</summary>
    Box,

    /// <summary>The ellipse inscribed in the box (axes parallel to the image).</summary>
    Ellipse,
}
