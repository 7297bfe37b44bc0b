using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Server.Tests;

/// <summary>The real lesion image of TestData, its expert mask, a point inside the lesion, and Dice.</summary>
internal static class TestImages
{
    public static string ImagePath => Path.Combine(AppContext.BaseDirectory, "TestData", "ISIC_0025964.jpg");

    public static string TruthPath => Path.Combine(AppContext.BaseDirectory, "TestData", "ISIC_0025964_segmentation.png");

    /// <summary>Dice that a single click inside this lesion must reach with SkinSAM-Tiny (well above what a blob or an empty mask gets).</summary>
    public const double MinDice = 0.7;

    public static BinaryMask Truth() => MaskImage.Load(TruthPath);

    /// <summary>The lesion pixel nearest the lesion's centroid, from the expert mask.</summary>
    public static (int X, int Y) PointInsideLesion()
    {
        BinaryMask truth = Truth();
        double sx = 0, sy = 0;
        long n = 0;
        for (int y = 0; y < truth.Height; y++)
        {
            for (int x = 0; x < truth.Width; x++)
            {
                if (truth[x, y])
                {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }

        Assert.True(n > 0, "the expert mask is empty");
        double cx = sx / n, cy = sy / n;
        (int X, int Y) best = (0, 0);
        double bestDistance = double.MaxValue;
        for (int y = 0; y < truth.Height; y++)
        {
            for (int x = 0; x < truth.Width; x++)
            {
                double d = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy));
                if (truth[x, y] && d < bestDistance)
                {
                    bestDistance = d;
                    best = (x, y);
                }
            }
        }

        return best;
    }

    public static double Dice(BinaryMask a, BinaryMask b)
    {
        Assert.Equal((b.Width, b.Height), (a.Width, a.Height));
        ReadOnlySpan<byte> x = a.Data, y = b.Data;
        long both = 0, sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool p = x[i] != 0, q = y[i] != 0;
            both += p && q ? 1 : 0;
            sum += (p ? 1 : 0) + (q ? 1 : 0);
        }

        return sum == 0 ? 1 : 2.0 * both / sum;
    }

    /// <summary>Reads a PNG mask from bytes (through a temporary file: the SDK reads masks from paths).</summary>
    public static BinaryMask MaskFromPng(byte[] png)
    {
        string path = Path.Combine(Path.GetTempPath(), $"skinsam-server-test-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, png);
            return MaskImage.Load(path, requireBinary: true);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static MultipartFormDataContent Form(byte[] image, string fileName = "ISIC_0025964.jpg", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", fileName);
        foreach ((string name, string value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
