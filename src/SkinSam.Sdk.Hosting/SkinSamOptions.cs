using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Hosting;

/// <summary>
/// Settings of the model that <c>services.AddSkinSam(...)</c> registers: the model folder, where it runs and the
/// ONNX Runtime session settings. Checked once at start-up by <see cref="SkinSamOptionsValidator"/>.
/// </summary>
/// <remarks>
/// Settable properties because the options pattern configures an instance in place
/// (<c>options =&gt; options.ModelPath = ...</c>, or binding from configuration).
/// </remarks>
public sealed class SkinSamOptions
{
    /// <summary>The model folder: <c>encoder.onnx</c>, <c>decoder.onnx</c> and usually <c>model.json</c>. Required.</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Execution providers in order of preference, as <see cref="ExecutionProvider.ParseList"/> reads them, e.g.
    /// <c>cuda,cpu</c> or <c>tensorrt:1,cuda:1,cpu</c>. Default: <c>cpu</c>. Ignored when <see cref="ExecutionProviders"/> has entries.
    /// </summary>
    public string Providers { get; set; } = "cpu";

    /// <summary>
    /// Provider entries built in code (for instance <see cref="ExecutionProvider.Custom"/>); when this list has entries it is
    /// used instead of <see cref="Providers"/>.
    /// </summary>
    public IList<ExecutionProvider> ExecutionProviders { get; } = new List<ExecutionProvider>();

    /// <summary>Run on the CPU when no listed provider can be used (default true); see <see cref="ModelOptions.AllowCpuFallback"/>.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Intra-op threads; 0 lets ONNX Runtime choose. See <see cref="ModelOptions.IntraOpThreads"/>.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Inter-op threads; 0 lets ONNX Runtime choose. See <see cref="ModelOptions.InterOpThreads"/>.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>ONNX Runtime graph optimisation level. Default: all.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ONNX Runtime's memory pattern optimisation. Default: on.</summary>
    public bool EnableMemoryPattern { get; set; } = true;

    /// <summary>ONNX Runtime's CPU memory arena. Default: on.</summary>
    public bool EnableCpuMemArena { get; set; } = true;

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin between parallel sections instead of sleeping. Default: true. Set it
    /// false where other work shares the cores with the model. See <see cref="ModelOptions.AllowThreadSpinning"/>.
    /// </summary>
    public bool AllowThreadSpinning { get; set; } = true;

    /// <summary>
    /// Keep each embedding's tensor in the execution provider's memory from encode to decode (ONNX Runtime I/O binding).
    /// Default: off. See <see cref="ModelOptions.DeviceResidentEmbeddings"/>.
    /// </summary>
    public bool DeviceResidentEmbeddings { get; set; }

    /// <summary>The provider list in force: <see cref="ExecutionProviders"/> when it has entries, else <see cref="Providers"/> parsed.</summary>
    /// <returns>The providers in order.</returns>
    /// <exception cref="FormatException"><see cref="Providers"/> holds a name or index that is not recognised.</exception>
    public IReadOnlyList<ExecutionProvider> ResolveProviders() =>
        ExecutionProviders.Count > 0 ? [.. ExecutionProviders] : ExecutionProvider.ParseList(Providers ?? string.Empty);

    /// <summary>The core SDK's model options for these settings.</summary>
    /// <returns>Options for <see cref="SegmentationModels.Load"/>.</returns>
    /// <exception cref="FormatException"><see cref="Providers"/> holds a name or index that is not recognised.</exception>
    public ModelOptions ToModelOptions() => ToModelOptions(ResolveProviders());

    /// <summary>The core SDK's model options for these settings with the given providers.</summary>
    internal ModelOptions ToModelOptions(IReadOnlyList<ExecutionProvider> providers) => new()
    {
        Providers = providers,
        AllowCpuFallback = AllowCpuFallback,
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        OptimizationLevel = OptimizationLevel,
        EnableMemoryPattern = EnableMemoryPattern,
        EnableCpuMemArena = EnableCpuMemArena,
        AllowThreadSpinning = AllowThreadSpinning,
        DeviceResidentEmbeddings = DeviceResidentEmbeddings,
    };
}
