using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads a sample's ground-truth mask and its image size, checking what the evaluation protocol needs. Both go through
/// <c>SkinSam.Sdk.ImageSharp</c>: the size is the one <see cref="ImageFile.Load(string, ImageLoadOptions?)"/> returns
/// (EXIF orientation applied) and the mask is read by <see cref="MaskImage.TryLoadBinary"/>, the one mask rule, so an
/// image and its ground truth are on one pixel grid.
/// </summary>
public static class GroundTruthFile
{
    /// <summary>Reads the size of an image from its header only (no pixel is decoded), EXIF orientation applied.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>Width and height.</returns>
    /// <exception cref="DatasetException">The file is missing or not a readable image.</exception>
    public static (int Width, int Height) ReadImageSize(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, "expected an image file; got no such file.");
        }

        try
        {
            return ImageFile.ReadSize(path);
        }
        catch (ImageDecodeException ex)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, $"expected a readable image header; got {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads a binary mask file: every pixel 0 (skin) or 255 (lesion), or 0 and 1; colour files are read by luminance
    /// (the rule of <see cref="MaskImage.Load(string, bool)"/>).
    /// </summary>
    /// <param name="path">The mask file.</param>
    /// <param name="expectedWidth">The image's width, or 0 to accept any.</param>
    /// <param name="expectedHeight">The image's height, or 0 to accept any.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="DatasetException">The file is missing or unreadable, of another size than its image, or not binary.</exception>
    public static BinaryMask Load(string path, int expectedWidth = 0, int expectedHeight = 0)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingMask, path, "expected a ground-truth mask file; got no such file.");
        }

        bool binary;
        BinaryMask mask;
        string? problem;
        try
        {
            binary = MaskImage.TryLoadBinary(path, out mask, out problem);
        }
        catch (Exception ex) when (ex is ImageDecodeException or IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, $"expected a readable mask image; got {ex.GetType().Name}: {ex.Message}", ex);
        }

        if (expectedWidth > 0 && (mask.Width != expectedWidth || mask.Height != expectedHeight))
        {
            throw new DatasetException(DatasetProblem.SizeMismatch, path, $"expected a mask of the image's size {expectedWidth}x{expectedHeight}; got {mask.Width}x{mask.Height}.");
        }

        return binary ? mask : throw new DatasetException(DatasetProblem.NonBinaryMask, path, problem!);
    }
}
