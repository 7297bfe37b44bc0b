using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Automatic;

/// <summary>
/// One mask of <see cref="AutomaticMaskGenerator.Generate"/>, with the fields of a segment_anything annotation.
/// </summary>
/// <param name="Rle">The mask as COCO RLE (column-major), at the image size.</param>
/// <param name="Mask">The mask, when <see cref="AutomaticMaskOutputMode.BinaryMask"/> was asked for; else null.</param>
/// <param name="Area">Foreground pixels.</param>
/// <param name="Bbox">
/// <c>bbox</c> as segment_anything writes it: (x_min, y_min, x_max - x_min, y_max - y_min) of the inclusive extreme
/// pixels, so one less than the pixel width and height; (0, 0, 0, 0) for an empty mask.
/// </param>
/// <param name="PredictedIou">The decoder's predicted IoU (<c>predicted_iou</c>).</param>
/// <param name="StabilityScore">The stability score on the logits (<c>stability_score</c>).</param>
/// <param name="PointX">X of the grid point that produced the mask, in image pixels (<c>point_coords[0][0]</c>).</param>
/// <param name="PointY">Y of the grid point (<c>point_coords[0][1]</c>).</param>
/// <param name="CropBox">The crop the mask was found in, (x, y, width, height) (<c>crop_box</c>).</param>
public sealed record GeneratedMask(
    CocoRle Rle,
    BinaryMask? Mask,
    int Area,
    (int X, int Y, int W, int H) Bbox,
    float PredictedIou,
    float StabilityScore,
    double PointX,
    double PointY,
    PixelRect CropBox);
