namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>The built-in data set layouts, as named on the command line.</summary>
public enum DatasetLayout
{
    /// <summary><c>ham10000</c>: <see cref="Ham10000Reader"/> with <see cref="Ham10000Layout.Flat"/>.</summary>
    Ham10000,

    /// <summary><c>ham10000-original</c>: <see cref="Ham10000Reader"/> with <see cref="Ham10000Layout.Original"/>.</summary>
    Ham10000Original,

    /// <summary><c>isic</c>: <see cref="IsicTask1Reader"/>.</summary>
    Isic,

    /// <summary><c>ph2</c>: <see cref="Ph2Reader"/>.</summary>
    Ph2,

    /// <summary><c>folders</c>: <see cref="FolderPairReader"/> over <c>images/</c> and <c>masks/</c> of the root.</summary>
    Folders,
}
