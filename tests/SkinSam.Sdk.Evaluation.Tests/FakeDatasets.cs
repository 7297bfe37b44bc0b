using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Tests;

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "skinsam-eval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(params string[] parts)
    {
        string p = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Writes tiny fake data sets of each layout (small images and masks made with ImageSharp).</summary>
internal static class FakeDatasets
{
    public const int Width = 24;
    public const int Height = 18;

    public static readonly string[] LesionTypes = ["nv", "mel", "bkl", "bcc", "akiec", "df", "vasc"];

    /// <summary>A lesion mask: an axis-aligned ellipse-ish blob whose position depends on <paramref name="seed"/>.</summary>
    public static BinaryMask Lesion(int seed, int width = Width, int height = Height)
    {
        var mask = new BinaryMask(width, height);
        int cx = 6 + (seed % 12), cy = 5 + (seed % 7);
        int rx = 3 + (seed % 3), ry = 2 + (seed % 3);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (x - cx) / (double)rx, dy = (y - cy) / (double)ry;
                mask[x, y] = (dx * dx) + (dy * dy) <= 1;
            }
        }

        return mask;
    }

    public static void WriteImage(string path, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, new Rgb24(200, 150, 120));
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".bmp")
        {
            image.SaveAsBmp(path);
        }
        else if (ext == ".png")
        {
            image.SaveAsPng(path);
        }
        else
        {
            image.SaveAsJpeg(path);
        }
    }

    public static void WriteMask(string path, BinaryMask mask, byte foreground = 255)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using Image<L8> image = Image.LoadPixelData<L8>(mask.ToBytes(foreground), mask.Width, mask.Height);
        if (System.IO.Path.GetExtension(path).Equals(".bmp", StringComparison.OrdinalIgnoreCase))
        {
            image.SaveAsBmp(path);
        }
        else
        {
            image.SaveAsPng(path);
        }
    }

    public static string IsicId(int i) => $"ISIC_{24306 + i:D7}";

    /// <summary>HAM10000 flat layout: images/, masks/, metadata.csv. Returns the ids.</summary>
    public static string[] WriteHam10000Flat(string root, int count)
    {
        var ids = new string[count];
        var csv = new System.Text.StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        for (int i = count - 1; i >= 0; i--)
        {
            string id = IsicId(i);
            ids[i] = id;
            WriteImage(System.IO.Path.Combine(root, "images", id + ".jpg"));
            WriteMask(System.IO.Path.Combine(root, "masks", id + "_segmentation.png"), Lesion(i));
            csv.Append($"HAM_{i:D7},{id},{LesionTypes[i % LesionTypes.Length]},histo,50.0,male,back\n");
        }

        File.WriteAllText(System.IO.Path.Combine(root, "metadata.csv"), csv.ToString());
        return ids;
    }
}
