namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>One image of a data set with its ground-truth lesion mask.</summary>
/// <param name="Id">The image id, e.g. <c>ISIC_0024306</c> or <c>IMD002</c>; unique in the data set.</param>
/// <param name="ImagePath">The image file.</param>
/// <param name="MaskPath">The ground-truth mask file (lesion 255 or 1, skin 0).</param>
/// <param name="LesionType">The diagnosis, e.g. HAM10000's <c>mel</c> or <c>nv</c>; null when the data set does not say.</param>
public sealed record DatasetSample(string Id, string ImagePath, string MaskPath, string? LesionType = null);
