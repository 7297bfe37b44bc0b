namespace SkinSam.Sdk.Prompts;

/// <summary>A point prompt in original-image pixel coordinates (x to the right, y down).</summary>
/// <param name="X">Column, 0 to the image width.</param>
/// <param name="Y">Row, 0 to the image height.</param>
/// <param name="Label">Positive (lesion) or negative (background).</param>
public readonly record struct PromptPoint(float X, float Y, PointLabel Label = PointLabel.Positive);
