using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>Reads a sample's ground-truth mask and its image size, checking what the evaluation protocol needs.</summary>
public static class GroundTruthFile
{
    private static readonly Configuration Decoders = Configuration.Default.Clone();

    /// <summary>Reads the size of an image from its header only (no pixel is decoded).</summary>
    /// <param name="path">The image file.</param>
    /// <returns>Width and height.</returns>
    /// <exception cref="DatasetException">The file is missing or not a readable image.</exception>
    public static (int Width, int Height) ReadImageSize(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, "expected an image file; got no such file.");
        }

        IImageInfo? info;
        try
        {
            using FileStream stream = File.OpenRead(path);
            info = Image.Identify(Decoders, stream);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidOperationException or IOException)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, $"expected a readable image header; got {ex.GetType().Name}: {ex.Message}", ex);
        }

        return info is null
            ? throw new DatasetException(DatasetProblem.UnreadableFile, path, "expected an image in a known format; got none.")
            : (info.Width, info.Height);
    }

    /// <summary>
    /// Reads a binary mask file: every pixel 0 (skin) or 255 (lesion), or 0 and 1; colour files are read by luminance.
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

        Image<L8> image;
        try
        {
            image = Image.Load<L8>(Decoders, path);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidOperationException or IOException)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, $"expected a readable mask image; got {ex.GetType().Name}: {ex.Message}", ex);
        }

        using (image)
        {
            if (expectedWidth > 0 && (image.Width != expectedWidth || image.Height != expectedHeight))
            {
                throw new DatasetException(DatasetProblem.SizeMismatch, path, $"expected a mask of the image's size {expectedWidth}x{expectedHeight}; got {image.Width}x{image.Height}.");
            }

            var mask = new BinaryMask(image.Width, image.Height);
            byte[] data = new byte[image.Width * image.Height];
            image.CopyPixelDataTo(data);
            bool sawOne = false, sawHigh = false;
            for (int i = 0; i < data.Length; i++)
            {
                byte v = data[i];
                if (v == 0)
                {
                    continue;
                }

                if (v == 255)
                {
                    sawHigh = true;
                }
                else if (v == 1)
                {
                    sawOne = true;
                }
                else
                {
                    throw new DatasetException(DatasetProblem.NonBinaryMask, path, $"expected a binary mask (0 and 255, or 0 and 1); got value {v} at pixel ({i % image.Width}, {i / image.Width}).");
                }

                if (sawOne && sawHigh)
                {
                    throw new DatasetException(DatasetProblem.NonBinaryMask, path, $"expected a binary mask (0 and 255, or 0 and 1); got 0, 1 and 255 (value {v} at pixel ({i % image.Width}, {i / image.Width})).");
                }
            }

            Span<byte> target = mask.Data;
            for (int i = 0; i < data.Length; i++)
            {
                target[i] = data[i] != 0 ? (byte)1 : (byte)0;
            }

            return mask;
        }
    }
}
