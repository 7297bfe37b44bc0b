using System.Diagnostics;

namespace SkinSam.Sdk.Benchmarks.Infrastructure;

/// <summary>
/// Generates full-size random-weight SAM models into .cache/models with the project's exporter
/// (tools/export.py --random-init TYPE --seed 0), once; later runs reuse them. ViT-B and SAM 2.1 Hiera-T and B+ always;
/// ViT-L/H and SAM 2.1 Hiera-S/L only when SKINSAM_BENCH_LARGE lists them (they take minutes and gigabytes).
/// </summary>
public static class RandomModelExporter
{
    /// <summary>Exports the missing models; prints what it did and why it skipped.</summary>
    /// <returns>0 when every requested model is present afterwards, 1 otherwise.</returns>
    public static int PrepareAll()
    {
        var types = new List<string> { "vit_b", "sam2.1_hiera_t", "sam2.1_hiera_b+" };
        string large = Environment.GetEnvironmentVariable("SKINSAM_BENCH_LARGE") ?? string.Empty;
        types.AddRange(large.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(t => t is "vit_l" or "vit_h" or "sam2.1_hiera_s" or "sam2.1_hiera_l"));
        int failures = 0;
        foreach (string type in types.Distinct())
        {
            failures += Prepare(type) ? 0 : 1;
        }

        return failures == 0 ? 0 : 1;
    }

    private static bool Prepare(string type)
    {
        string folder = BenchmarkModelCatalog.RandomModelFolder(type);
        if (File.Exists(Path.Combine(folder, "encoder.onnx")) && File.Exists(Path.Combine(folder, "decoder.onnx")))
        {
            Console.WriteLine($"{type}: present in {folder}");
            return true;
        }

        string exporter = Environment.GetEnvironmentVariable("SKINSAM_EXPORTER")
            ?? Path.Combine(RepositoryLayout.RootOrNull ?? ".", "tools", "export.py");
        if (!File.Exists(exporter))
        {
            Console.WriteLine($"{type}: skipped, no exporter at {exporter} (set SKINSAM_EXPORTER to tools/export.py)");
            return false;
        }

        string python = Environment.GetEnvironmentVariable("SKINSAM_PYTHON") ?? "/usr/bin/python3";
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { exporter, "--random-init", type, "--seed", BenchmarkModelCatalog.RandomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder },
            UseShellExecute = false,
        };
        Console.WriteLine($"{type}: exporting with {python} {string.Join(' ', start.ArgumentList)}");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Expected to start {python}; got no process.");
        process.WaitForExit();
        Console.WriteLine($"{type}: exporter exited with {process.ExitCode}");
        return process.ExitCode == 0;
    }
}
