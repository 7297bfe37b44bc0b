namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>What is wrong with a data set, as carried by <see cref="DatasetException"/>.</summary>
public enum DatasetProblem
{
    /// <summary>A folder or file the layout needs does not exist.</summary>
    MissingFile,

    /// <summary>An image has no ground-truth mask.</summary>
    MissingMask,

    /// <summary>A mask's size differs from its image's size.</summary>
    SizeMismatch,

    /// <summary>A mask holds values other than 0 and 255 (or 0 and 1).</summary>
    NonBinaryMask,

    /// <summary>A mask has no lesion pixel, so no prompt can be derived from it.</summary>
    EmptyMask,

    /// <summary>A metadata or id-list file cannot be parsed.</summary>
    MalformedMetadata,

    /// <summary>An id asked for (id filter file) is not in the data set.</summary>
    UnknownId,

    /// <summary>The same image id occurs twice.</summary>
    DuplicateId,

    /// <summary>An image or mask file cannot be decoded.</summary>
    UnreadableFile,
}
