using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;

namespace SkinSam.Sdk.Models;

/// <summary>How a model is loaded: where it runs and the ONNX Runtime session settings. Validated once, with every problem in one exception.</summary>
public sealed class ModelOptions
{
    /// <summary>The default options: CPU, ONNX Runtime's default threading, all graph optimisations.</summary>
    public static ModelOptions Default { get; } = new();

    /// <summary>Execution providers in order of preference; the first that can be used runs the model. Default: CPU.</summary>
    public IReadOnlyList<ExecutionProvider> Providers { get; init; } = [ExecutionProvider.Cpu];

    /// <summary>
    /// When true (the default) and no listed provider can be used, the model runs on the CPU and the reasons are
    /// recorded in <see cref="ModelInfo.ProviderAttempts"/>. When false, loading fails with <see cref="ExecutionProviderException"/>
    /// instead of silently running slow.
    /// </summary>
    public bool AllowCpuFallback { get; init; } = true;

    /// <summary>Threads for one operator (intra-op); 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across operators (inter-op, parallel execution mode only); 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>ONNX Runtime graph optimisation level. Default: all.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ONNX Runtime's memory pattern optimisation (pre-plans allocations for fixed shapes). Default: on.</summary>
    public bool EnableMemoryPattern { get; init; } = true;

    /// <summary>ONNX Runtime's CPU memory arena. Default: on. Off trades speed for a smaller resident set.</summary>
    public bool EnableCpuMemArena { get; init; } = true;

    /// <summary>
    /// Keep each embedding's tensor where the execution provider computes (ONNX Runtime I/O binding) from encode to
    /// decode: the encoder's output is bound to the provider's memory (CUDA device memory for CUDA and TensorRT, the
    /// CPU allocator for CPU) and fed to every decode of that embedding from there, instead of being copied to the
    /// host and back per decode. The embedding still carries host values (copied once at encode) for
    /// <see cref="ImageEmbedding.Values"/>, saving and the cache. Other providers keep host embeddings.
    /// Default: off. The masks are the same either way.
    /// </summary>
    public bool DeviceResidentEmbeddings { get; init; }

    /// <summary>Checks every setting and throws one <see cref="ArgumentException"/> listing all problems.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range.</exception>
    public void Validate()
    {
        IReadOnlyList<string> errors = FindProblems();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid model options: {string.Join("; ", errors)}.");
        }
    }

    /// <summary>
    /// Every problem with these settings, one <c>Setting: expected ...; got ...</c> line each, in the order of the
    /// properties; empty when the options are valid. <see cref="Validate"/> throws over these lines, and the hosting
    /// options validator reports them under its own setting names.
    /// </summary>
    /// <returns>The problems; empty when there are none.</returns>
    public IReadOnlyList<string> FindProblems()
    {
        var errors = new List<string>();
        if (Providers is null || Providers.Count == 0)
        {
            errors.Add("Providers: expected at least one execution provider; got none");
        }
        else if (Providers.Any(p => p is null))
        {
            errors.Add("Providers: expected no null entries; got a null entry");
        }

        if (IntraOpThreads < 0)
        {
            errors.Add($"IntraOpThreads: expected 0 (automatic) or more; got {IntraOpThreads.ToString(CultureInfo.InvariantCulture)}");
        }

        if (InterOpThreads < 0)
        {
            errors.Add($"InterOpThreads: expected 0 (automatic) or more; got {InterOpThreads.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!Enum.IsDefined(OptimizationLevel))
        {
            errors.Add($"OptimizationLevel: expected one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}; got {((int)OptimizationLevel).ToString(CultureInfo.InvariantCulture)}");
        }

        return errors;
    }

    /// <summary>Builds ONNX Runtime session options from these settings, without any execution provider.</summary>
    /// <returns>New session options; the caller disposes them.</returns>
    internal SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = OptimizationLevel,
            EnableMemoryPattern = EnableMemoryPattern,
            EnableCpuMemArena = EnableCpuMemArena,
        };
        if (IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = IntraOpThreads;
        }

        if (InterOpThreads > 0)
        {
            options.InterOpNumThreads = InterOpThreads;
        }

        return options;
    }
}
