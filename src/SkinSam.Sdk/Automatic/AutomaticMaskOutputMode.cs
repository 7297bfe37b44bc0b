namespace SkinSam.Sdk.Automatic;

/// <summary>What a <see cref="GeneratedMask"/> carries besides its COCO RLE (segment_anything's <c>output_mode</c>).</summary>
public enum AutomaticMaskOutputMode
{
    /// <summary>A <see cref="Masks.BinaryMask"/> at the image size as well (<c>"binary_mask"</c>).</summary>
    BinaryMask,

    /// <summary>Only the COCO run-length encoding (<c>"coco_rle"</c>): far less memory for many masks.</summary>
    CocoRle,
}
