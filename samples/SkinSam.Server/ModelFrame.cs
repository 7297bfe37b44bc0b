using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Server;

/// <summary>The optional downscale of <c>Serving:MaxModelSide</c>: the model sees (and the mask comes back at) at most that side.</summary>
internal static class ModelFrame
{
    public static ImageBuffer Fit(ImageBuffer image, int maxSide)
    {
        int longest = Math.Max(image.Width, image.Height);
        if (maxSide <= 0 || longest <= maxSide)
        {
            return image;
        }

        double scale = (double)maxSide / longest;
        int width = Math.Max(1, (int)Math.Round(image.Width * scale));
        int height = Math.Max(1, (int)Math.Round(image.Height * scale));

        // The decoded upload is tightly packed RGB24 (ImageFile's output): wrap it instead of copying it (an 80-Mpx image
        // is 240 MB); the resize reads it and writes a new, small image. Anything else is converted once.
        ReadOnlyMemory<byte> rgb = image.Format == PixelFormat.Rgb24 && image.Stride == image.Width * 3
            ? image.Pixels[..(image.Width * image.Height * 3)]
            : image.ToRgb24Array();
        using Image<Rgb24> source = Image.WrapMemory<Rgb24>(MemoryMarshal.AsMemory(rgb), image.Width, image.Height);
        using Image<Rgb24> resized = source.Clone(x => x.Resize(width, height, KnownResamplers.Triangle));
        var pixels = new byte[width * height * 3];
        resized.CopyPixelDataTo(pixels);
        return ImageBuffer.FromRgb24(pixels, width, height);
    }
}
