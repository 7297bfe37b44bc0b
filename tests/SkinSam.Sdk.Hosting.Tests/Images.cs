using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Hosting.Tests;

/// <summary>Small deterministic images for model calls.</summary>
internal static class Images
{
    public static ImageBuffer Gray(int width, int height)
    {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 251);
        }

        return ImageBuffer.FromRgb24(pixels, width, height);
    }
}
