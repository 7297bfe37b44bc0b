using SixLabors.ImageSharp;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.ImageSharp.Tests;

public sealed class MaskImageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "skinsam-mask-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void SavePng_ThenLoad_RoundTripsAndIsBinary0And255()
    {
        var mask = new BinaryMask(5, 3);
        mask[1, 1] = true;
        mask[4, 2] = true;
        string path = Path.Combine(_dir, "m.png");
        MaskImage.SavePng(mask, path);
        BinaryMask back = MaskImage.Load(path, requireBinary: true);
        Assert.Equal(mask.Data.ToArray(), back.Data.ToArray());
        ImageBuffer raw = ImageFile.Load(path);
        Assert.All(raw.Pixels.ToArray(), b => Assert.True(b is 0 or 255));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Load_RealHamMask_MatchesForegroundCount()
    {
        BinaryMask mask = MaskImage.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "ISIC_0024698_segmentation.png"), requireBinary: true);
        Assert.Equal((200, 150), (mask.Width, mask.Height));
        Assert.InRange(mask.Area, 1, (200 * 150) - 1);
    }

    [Fact]
    public void SaveOverlay_WrongMaskSize_ThrowsNamingBothSizes()
    {
        var image = ImageBuffer.FromRgb24(new byte[4 * 4 * 3], 4, 4);
        var ex = Assert.Throws<ArgumentException>(() => MaskImage.SaveOverlay(image, new BinaryMask(3, 4), Path.Combine(_dir, "o.png")));
        Assert.Contains("Expected a mask of the image's size 4x4; got 3x4", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "o.png")));
    }

    [Fact]
    public void SaveOverlay_TintsInsideAndOutlinesEdge()
    {
        var image = ImageBuffer.FromRgb24(Enumerable.Repeat((byte)100, 5 * 5 * 3).ToArray(), 5, 5);
        var mask = new BinaryMask(5, 5);
        for (int y = 1; y < 4; y++)
        {
            for (int x = 1; x < 4; x++)
            {
                mask[x, y] = true;
            }
        }

        string path = Path.Combine(_dir, "o.png");
        MaskImage.SaveOverlay(image, mask, path, tint: (0, 200, 0), opacity: 0.5f);
        byte[] px = ImageFile.Load(path).Pixels.ToArray();
        Assert.Equal(new byte[] { 100, 100, 100 }, px.AsSpan(0, 3).ToArray());
        Assert.Equal(new byte[] { 0, 200, 0 }, px.AsSpan(((1 * 5) + 1) * 3, 3).ToArray());
        Assert.Equal(new byte[] { 50, 150, 50 }, px.AsSpan(((2 * 5) + 2) * 3, 3).ToArray());
    }

    [Fact]
    public void AtomicWrite_WriterThrows_LeavesOldFileAndNoTemp()
    {
        string path = Path.Combine(_dir, "report.txt");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("partial"u8);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Load_NonBinaryMaskWhenRequired_ThrowsNamingValueAndPixel()
    {
        string path = Path.Combine(_dir, "gray.png");
        var gray = new BinaryMask(2, 1);
        MaskImage.SavePng(gray, path);
        using (var img = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(path))
        {
            img[1, 0] = new SixLabors.ImageSharp.PixelFormats.L8(77);
            img.SaveAsPng(path);
        }

        var ex = Assert.Throws<ImageDecodeException>(() => MaskImage.Load(path, requireBinary: true));
        Assert.Contains("got value 77 at pixel (1, 0)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoadBinary_GrayValue_ReturnsFalseNamingValueAndPixelAndStillReadsTheMask()
    {
        string path = Path.Combine(_dir, "gray.png");
        MaskImage.SavePng(new BinaryMask(3, 2), path);
        using (var img = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(path))
        {
            img[2, 1] = new SixLabors.ImageSharp.PixelFormats.L8(200);
            img[0, 0] = new SixLabors.ImageSharp.PixelFormats.L8(100);
            img.SaveAsPng(path);
        }

        bool binary = MaskImage.TryLoadBinary(path, out BinaryMask mask, out string? problem);

        Assert.False(binary);
        Assert.Equal("expected a binary mask (0 and 255, or 0 and 1); got value 100 at pixel (0, 0).", problem);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1 }, mask.Data.ToArray());
    }

    [Fact]
    public void TryLoadBinary_OnesAnd255Together_ReturnsFalseNamingTheMix()
    {
        string path = Path.Combine(_dir, "mixed.png");
        MaskImage.SavePng(new BinaryMask(2, 1), path);
        using (var img = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(path))
        {
            img[0, 0] = new SixLabors.ImageSharp.PixelFormats.L8(1);
            img[1, 0] = new SixLabors.ImageSharp.PixelFormats.L8(255);
            img.SaveAsPng(path);
        }

        Assert.False(MaskImage.TryLoadBinary(path, out _, out string? problem));
        Assert.Contains("got 0, 1 and 255 (value 255 at pixel (1, 0))", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ColourMask_ReadsByLuminance()
    {
        string path = Path.Combine(_dir, "colour.png");
        Directory.CreateDirectory(_dir);
        using (var img = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(3, 1))
        {
            img[0, 0] = new SixLabors.ImageSharp.PixelFormats.Rgb24(255, 255, 255);
            img[1, 0] = new SixLabors.ImageSharp.PixelFormats.Rgb24(255, 0, 0); // luminance 54: skin
            img[2, 0] = new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 255, 0); // luminance 182: lesion
            img.SaveAsPng(path);
        }

        Assert.Equal(new byte[] { 1, 0, 1 }, MaskImage.Load(path).Data.ToArray());
    }

    [Fact]
    public void Load_ExifRotatedMask_FollowsItsImage()
    {
        string path = Path.Combine(_dir, "rotated.png");
        Directory.CreateDirectory(_dir);
        using (var img = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(4, 2))
        {
            img[0, 0] = new SixLabors.ImageSharp.PixelFormats.L8(255);
            img.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
            img.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
            img.SaveAsPng(path);
        }

        BinaryMask mask = MaskImage.Load(path, requireBinary: true);
        ImageBuffer image = ImageFile.Load(path);

        Assert.Equal((2, 4), (mask.Width, mask.Height));
        Assert.Equal((image.Width, image.Height), (mask.Width, mask.Height));
        Assert.Equal(1, mask.Area);
    }
}
