using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.ImageSharp.Tests;

public sealed class MaskImageWritePngTests
{
    private static BinaryMask Disc()
    {
        var mask = new BinaryMask(40, 30);
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                mask[x, y] = ((x - 20) * (x - 20)) + ((y - 15) * (y - 15)) < 100;
            }
        }

        return mask;
    }

    [Fact]
    public void WritePng_ToStream_RoundTripsThroughMaskImageLoad()
    {
        BinaryMask mask = Disc();
        using var stream = new MemoryStream();

        MaskImage.WritePng(mask, stream);

        Assert.Equal(RoundTrip(stream.ToArray()).Data.ToArray(), mask.Data.ToArray());
    }

    [Fact]
    public async Task WritePngAsync_StreamThatRefusesSynchronousWrites_WritesTheSamePng()
    {
        BinaryMask mask = Disc();
        await using var asyncOnly = new AsyncOnlyStream();
        using var sync = new MemoryStream();

        await MaskImage.WritePngAsync(mask, asyncOnly);
        MaskImage.WritePng(mask, sync);

        Assert.Equal(sync.ToArray(), asyncOnly.ToArray());
    }

    [Fact]
    public void WritePng_ReadOnlyStream_ThrowsArgumentException()
    {
        using var readOnly = new MemoryStream(new byte[16], writable: false);

        var ex = Assert.Throws<ArgumentException>(() => MaskImage.WritePng(Disc(), readOnly));

        Assert.Contains("writable", ex.Message, StringComparison.Ordinal);
    }

    private static BinaryMask RoundTrip(byte[] png)
    {
        string path = Path.Combine(Path.GetTempPath(), $"skinsam-writepng-{Guid.NewGuid():N}.png");
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
}
