namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>The two folder layouts of HAM10000 that <see cref="Ham10000Reader"/> reads.</summary>
public enum Ham10000Layout
{
    /// <summary><c>images/ISIC_*.jpg</c>, <c>masks/&lt;image_id&gt;_segmentation.png</c>, <c>metadata.csv</c> (the project's development split).</summary>
    Flat,

    /// <summary>
    /// The original release: <c>HAM10000_images_part_1/</c> and <c>HAM10000_images_part_2/</c>,
    /// <c>HAM10000_segmentations_lesion_tschandl/</c> (searched recursively), <c>HAM10000_metadata.csv</c>.
    /// </summary>
    Original,
}
