using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Sdk.Reliability.Tests.ImageSharp;

/// <summary>
/// A fixed-seed, non-instrumented mutation run over small JPEG/PNG/BMP/GIF files, in every test run: decoding random
/// damage ends in a decoded image or an <see cref="ImageDecodeException"/>, never another exception. The coverage-guided
/// harness for longer runs is fuzz/SkinSam.Fuzz.
/// </summary>
[Trait("Category", "Long")]
public sealed class ImageFileFuzzTests
{
    private const int MutantsPerSeed = 700;
    private static readonly ImageLoadOptions Limits = new() { MaxPixels = 4_000_000, MaxBytes = 1 << 20 };

    // Inputs the fuzzer found (fuzz/crashes/): ImageSharp 2.1.13 throws NullReferenceException on some damaged JPEGs
    // (JpegDecoderCore.Identify, JpegComponentPostProcessor.CopyBlocksToColorBuffer) and OutOfMemoryException ("Array
    // dimensions exceeded supported range") on a BMP header asking for an impossible buffer; ImageFile.Decode maps both.

    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    [InlineData("gif")]
    public void Decode_MutatedSeedCorpus_ThrowsOnlyImageDecodeException(string format) => MutateAndDecode(format);

    [Fact]
    public void Decode_MutatedJpegSeed_ThrowsOnlyImageDecodeException() => MutateAndDecode("jpeg");

    [Theory]
    [InlineData("jpeg-identify-nullref.jpg")]
    [InlineData("jpeg-decode-nullref.jpg")]
    [InlineData("bmp-identify-oversized-array.bmp")]
    public void Decode_SavedFuzzCrash_ThrowsImageDecodeException(string file)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fuzz-crashes", file));
        Assert.Throws<ImageDecodeException>(() => ImageFile.Decode(data, file, Limits));
    }

    private static void MutateAndDecode(string format)
    {
        var random = new Random(20261127);
        int decoded = 0, rejected = 0;
        foreach (byte[] seed in Seeds(format))
        {
            for (int i = 0; i < MutantsPerSeed; i++)
            {
                byte[] mutant = Mutate(seed, random);
                try
                {
                    ImageFile.Decode(mutant, "mutant", Limits);
                    decoded++;
                }
                catch (ImageDecodeException)
                {
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"Expected a decoded image or ImageDecodeException; got {ex.GetType().Name}: {ex.Message} for input {Convert.ToBase64String(mutant)}");
                }
            }
        }

        Assert.Equal(MutantsPerSeed, decoded + rejected);
        Assert.True(rejected > 0 && decoded > 0, $"Expected both outcomes; got {decoded} decoded, {rejected} rejected.");
    }

    private static IEnumerable<byte[]> Seeds(string format)
    {
        using var image = new Image<Rgb24>(12, 9);
        for (int y = 0; y < 9; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 20), (byte)(y * 28), (byte)((x + y) * 10));
            }
        }

        IImageEncoder encoder = format switch
        {
            "jpeg" => new JpegEncoder(),
            "png" => new PngEncoder(),
            "bmp" => new BmpEncoder(),
            _ => new GifEncoder(),
        };
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        yield return stream.ToArray();
    }

    /// <summary>libFuzzer-style mutations: bit flips, byte sets to interesting values, truncation, inserts, chunk copies.</summary>
    internal static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(4);
        for (int s = 0; s < steps && data.Count > 0; s++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 });
                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), 1 + random.Next(16)));
                    break;
                case 4:
                    int from = random.Next(data.Count);
                    int length = Math.Min(1 + random.Next(32), data.Count - from);
                    data.InsertRange(at, data.GetRange(from, length));
                    break;
                default:
                    data[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. data];
    }
}
