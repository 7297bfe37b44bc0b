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
        using Image<Rgb24> source = Image.LoadPixelData<Rgb24>(image.ToRgb24Array(), image.Width, image.Height);
        source.Mutate(x => x.Resize(width, height, KnownResamplers.Triangle));
        var pixels = new byte[width * height * 3];
        source.CopyPixelDataTo(pixels);
        return ImageBuffer.FromRgb24(pixels, width, height);
    }
}
