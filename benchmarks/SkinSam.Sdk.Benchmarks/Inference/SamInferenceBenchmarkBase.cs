using BenchmarkDotNet.Attributes;
using SkinSam.Sdk.Benchmarks.Infrastructure;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>Parameters and setup shared by the SDK-versus-bare suites: every available model on every usable provider.</summary>
public abstract class SamInferenceBenchmarkBase
{
    private SamInferenceFixture? _fixture;

    /// <summary>The model's short name (see <see cref="BenchmarkModelCatalog"/>).</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "tiny";

    /// <summary>The execution provider (see <see cref="ProviderCatalog"/>).</summary>
    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "cpu";

    /// <summary>The loaded fixture.</summary>
    protected SamInferenceFixture Fixture => _fixture ?? throw new InvalidOperationException("Expected GlobalSetup to have run; got no fixture.");

    /// <summary>The available models.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Models() => BenchmarkModelCatalog.AvailableNames();

    /// <summary>The usable providers.</summary>
    /// <returns>Names.</returns>
    public static IEnumerable<string> Providers() => ProviderCatalog.AvailableNames();

    /// <summary>Loads the model through the SDK and as bare sessions.</summary>
    [GlobalSetup]
    public void Setup() => _fixture = new SamInferenceFixture(Model, Provider);

    /// <summary>Releases both.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _fixture?.Dispose();
        _fixture = null;
    }
}
