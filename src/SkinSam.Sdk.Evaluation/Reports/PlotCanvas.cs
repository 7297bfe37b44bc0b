using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>An RGB raster for simple charts drawn pixel by pixel (no drawing library), saved as PNG atomically.</summary>
internal sealed class PlotCanvas
{
    private readonly byte[] _rgb;

    public PlotCanvas(int width, int height, PlotColor background)
    {
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public Span<byte> Pixels => _rgb;

    public void SetPixel(int x, int y, PlotColor c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        int o = ((y * Width) + x) * 3;
        _rgb[o] = c.R;
        _rgb[o + 1] = c.G;
        _rgb[o + 2] = c.B;
    }

    public void FillRect(int x, int y, int width, int height, PlotColor c)
    {
        for (int yy = Math.Max(0, y); yy < Math.Min(Height, y + height); yy++)
        {
            for (int xx = Math.Max(0, x); xx < Math.Min(Width, x + width); xx++)
            {
                SetPixel(xx, yy, c);
            }
        }
    }

    public void HLine(int x0, int x1, int y, PlotColor c)
    {
        for (int x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++)
        {
            SetPixel(x, y, c);
        }
    }

    public void VLine(int x, int y0, int y1, PlotColor c)
    {
        for (int y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++)
        {
            SetPixel(x, y, c);
        }
    }

    public void StrokeRect(int x, int y, int width, int height, PlotColor c)
    {
        HLine(x, x + width - 1, y, c);
        HLine(x, x + width - 1, y + height - 1, c);
        VLine(x, y, y + height - 1, c);
        VLine(x + width - 1, y, y + height - 1, c);
    }

    public void Text(int x, int y, string text, PlotColor c, int scale = 2) => PixelFont.Draw(this, x, y, text, c, scale);

    public void Save(string path)
    {
        ImageFile.SavePng(new ImageBuffer(_rgb, Width, Height, PixelFormat.Rgb24), path);
    }
}
