using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Benchmarks.Infrastructure;

/// <summary>
/// The execution providers the inference suites are parameterised by: cpu always; cuda and tensorrt
/// when ONNX Runtime lists them and a probe session on the tiny fixture opens without CPU fallback.
/// An absent provider is printed with its reason, never an error. SKINSAM_BENCH_PROVIDERS (comma list)
/// narrows the set.
/// </summary>
public static class ProviderCatalog
{
    private static readonly (string Name, string OrtName)[] Known = [("cpu", "CPUExecutionProvider"), ("cuda", "CUDAExecutionProvider"), ("tensorrt", "TensorrtExecutionProvider")];

    private static readonly Lazy<IReadOnlyList<(string Name, bool Usable, string Note)>> Resolved = new(Resolve);

    /// <summary>Names of the usable providers, cpu first.</summary>
    public static IEnumerable<string> AvailableNames() => Resolved.Value.Where(p => p.Usable).Select(p => p.Name);

    /// <summary>Names of the usable GPU providers (cuda only: the I/O-binding suite binds CUDA memory).</summary>
    public static IEnumerable<string> CudaOnly() => AvailableNames().Where(n => n == "cuda");

    /// <summary>Every known provider with whether it is usable and why.</summary>
    public static IReadOnlyList<(string Name, bool Usable, string Note)> Describe() => Resolved.Value;

    /// <summary>The SDK provider for a name.</summary>
    /// <param name="name">cpu, cuda or tensorrt.</param>
    /// <returns>The provider, device 0.</returns>
    public static ExecutionProvider Create(string name) => name switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda(0),
        "tensorrt" => ExecutionProvider.TensorRt(0),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Expected cpu, cuda or tensorrt; got '{name}'."),
    };

    /// <summary>Model options that run on exactly one provider (no silent CPU fallback: a benchmark must measure what it names).</summary>
    /// <param name="name">cpu, cuda or tensorrt.</param>
    /// <param name="intraOpThreads">0 for ONNX Runtime's default (all physical cores).</param>
    /// <returns>The options.</returns>
    public static ModelOptions Options(string name, int intraOpThreads = 0) => new()
    {
        Providers = [Create(name)],
        AllowCpuFallback = name == "cpu",
        IntraOpThreads = intraOpThreads,
    };

    private static IReadOnlyList<(string Name, bool Usable, string Note)> Resolve()
    {
        IReadOnlyCollection<string> listed = OrtEnv.Instance().GetAvailableProviders();
        string? only = Environment.GetEnvironmentVariable("SKINSAM_BENCH_PROVIDERS");
        HashSet<string>? wanted = string.IsNullOrWhiteSpace(only)
            ? null
            : only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet();
        var result = new List<(string, bool, string)>();
        foreach ((string name, string ortName) in Known)
        {
            if (wanted is not null && !wanted.Contains(name))
            {
                result.Add((name, false, "not selected (SKINSAM_BENCH_PROVIDERS)"));
            }
            else if (!listed.Contains(ortName))
            {
                result.Add((name, false, $"absent: ONNX Runtime lists only [{string.Join(", ", listed)}]"));
            }
            else if (name == "cpu")
            {
                result.Add((name, true, "present"));
            }
            else
            {
                (bool ok, string note) = Probe(name);
                result.Add((name, ok, note));
            }
        }

        return result;
    }

    private static (bool Ok, string Note) Probe(string name)
    {
        string? root = RepositoryLayout.RootOrNull;
        string tiny = Path.Combine(root ?? ".", "models", "test-fixtures", "sam-tiny");
        if (!Directory.Exists(tiny))
        {
            return (true, "listed by ONNX Runtime (not probed: no tiny fixture found)");
        }

        try
        {
            using ISegmentationModel model = SegmentationModels.Load(tiny, Options(name));
            return (true, $"present (probe session on {model.Info.ExecutionProvider})");
        }
        catch (SkinSamException ex)
        {
            return (false, $"absent: listed by ONNX Runtime but a session could not open: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }
}
