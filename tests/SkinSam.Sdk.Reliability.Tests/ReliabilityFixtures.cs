using System.Reflection;
using SkinSam.Sdk.Imaging;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace SkinSam.Sdk.Reliability.Tests;

/// <summary>
/// Paths the reliability tests use: the committed ONNX fixtures (copied next to the assembly), the repository root and
/// synthetic images. Tests in this assembly run one at a time: several measure memory, pool accounting or run time.
/// </summary>
internal static class ReliabilityFixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string Model(string name) => Path.Combine(Root, name);

    public static string Broken(string name) => Path.Combine(Root, "broken", name);

    /// <summary>The folder holding SkinSam.Sdk.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The build configuration of this test assembly (Debug or Release).</summary>
    public static string Configuration { get; } =
        typeof(ReliabilityFixtures).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>A smooth RGB24 image with a dark ellipse, different for every seed.</summary>
    public static ImageBuffer SyntheticImage(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        double cx = width * (0.4 + (0.05 * (seed % 4)));
        double cy = height * (0.45 + (0.03 * (seed % 5)));
        double rx = Math.Max(1, width * 0.3);
        double ry = Math.Max(1, height * 0.25);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = (x - cx) / rx;
                double dy = (y - cy) / ry;
                bool inside = (dx * dx) + (dy * dy) <= 1;
                int o = ((y * width) + x) * 3;
                pixels[o] = (byte)(inside ? 90 + seed : 200 - (x % 17));
                pixels[o + 1] = (byte)(inside ? 50 : 160 + (y % 13));
                pixels[o + 2] = (byte)(inside ? 40 + (seed * 3) : 150);
            }
        }

        return ImageBuffer.FromRgb24(pixels, width, height);
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SkinSam.Sdk.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Expected SkinSam.Sdk.sln in a folder above '{AppContext.BaseDirectory}'; got none.");
    }
}
