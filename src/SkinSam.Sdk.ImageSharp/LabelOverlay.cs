using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.ImageSharp;

/// <summary>Draws many masks over an image, one colour per mask (e.g. the output of "segment everything").</summary>
public static class LabelOverlay
{
    /// <summary>
    /// Writes a PNG of the image with each mask tinted in its own colour, in order (a later mask paints over an earlier
    /// one), through a temporary file and a rename. Colours come from a fixed golden-angle hue sequence, so mask i has
    /// the same colour in every run.
    /// </summary>
    /// <param name="image">The original image.</param>
    /// <param name="masks">Masks of the image's size.</param>
    /// <param name="path">The destination file.</param>
    /// <param name="opacity">Tint opacity 0..1; default 0.5.</param>
    /// <exception cref="ArgumentException">A mask's size differs from the image's.</exception>
    public static void Save(ImageBuffer image, IReadOnlyList<BinaryMask> masks, string path, float opacity = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!(opacity >= 0 && opacity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, $"Expected an opacity from 0 to 1; got {opacity}.");
        }

        for (int k = 0; k < masks.Count; k++)
        {
            if (masks[k] is null || masks[k].Width != image.Width || masks[k].Height != image.Height)
            {
                throw new ArgumentException($"Expected mask {k} of the image's size {image.Width}x{image.Height}; got {(masks[k] is null ? "null" : $"{masks[k].Width}x{masks[k].Height}")}.", nameof(masks));
            }
        }

        byte[] rgb = image.ToRgb24Array();
        for (int k = 0; k < masks.Count; k++)
        {
            (byte r, byte g, byte b) = Colour(k);
            ReadOnlySpan<byte> m = masks[k].Data;
            for (int i = 0; i < m.Length; i++)
            {
                if (m[i] != 0)
                {
                    int o = i * 3;
                    rgb[o] = (byte)((rgb[o] * (1 - opacity)) + (r * opacity) + 0.5f);
                    rgb[o + 1] = (byte)((rgb[o + 1] * (1 - opacity)) + (g * opacity) + 0.5f);
                    rgb[o + 2] = (byte)((rgb[o + 2] * (1 - opacity)) + (b * opacity) + 0.5f);
                }
            }
        }

        using Image<Rgb24> outImage = Image.LoadPixelData<Rgb24>(rgb, image.Width, image.Height);
        AtomicFile.Write(path, s => outImage.Save(s, new PngEncoder()));
    }

    /// <summary>The colour of mask <paramref name="index"/>: hue stepping by the golden angle, full saturation, bright.</summary>
    /// <param name="index">The mask's index, at least 0.</param>
    /// <returns>RGB.</returns>
    public static (byte R, byte G, byte B) Colour(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        double hue = (index * 137.50776405) % 360.0;
        double x = 1 - Math.Abs((hue / 60.0 % 2) - 1);
        (double r, double g, double b) = (int)(hue / 60) switch
        {
            0 => (1.0, x, 0.0),
            1 => (x, 1.0, 0.0),
            2 => (0.0, 1.0, x),
            3 => (0.0, x, 1.0),
            4 => (x, 0.0, 1.0),
            _ => (1.0, 0.0, x),
        };
        return ((byte)(40 + (r * 215)), (byte)(40 + (g * 215)), (byte)(40 + (b * 215)));
    }
}
