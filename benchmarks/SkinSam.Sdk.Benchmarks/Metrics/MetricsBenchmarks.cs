using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SkinSam.Sdk.Benchmarks.Infrastructure;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Benchmarks.Metrics;

/// <summary>A 1024 x 768 mask pair (two overlapping lesion-sized ellipses). Targets: region at most 100 us, boundary at most 10 ms.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MetricsBenchmarks
{
    private const int Width = 1024;
    private const int Height = 768;
    private byte[] _predicted = [];
    private byte[] _truth = [];

    /// <summary>Builds the masks and checks the SDK against the scalar references.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _predicted = SyntheticData.EllipseMask(Width, Height, 500, 380, 260, 190);
        _truth = SyntheticData.EllipseMask(Width, Height, 530, 400, 240, 200);
        RegionMetrics sdk = RegionMetrics.FromCounts(ConfusionCounts.FromMasks(Width, Height, _predicted, _truth));
        var scalar = ScalarMetrics.Region(_predicted, _truth);
        if (Math.Abs(sdk.Dice - scalar.Dice) > 1e-12 || Math.Abs(sdk.IoU - scalar.IoU) > 1e-12)
        {
            throw new InvalidOperationException($"Expected equal Dice/IoU; got SDK {sdk.Dice}/{sdk.IoU} and scalar {scalar.Dice}/{scalar.IoU}.");
        }

        BoundaryMetrics b = BoundaryMetrics.Compute(Width, Height, _predicted, _truth);
        var bs = ScalarMetrics.Boundary(Width, Height, _predicted, _truth);
        if (Math.Abs(b.HausdorffDistance95 - bs.Hd95) > 1e-9 || Math.Abs(b.AverageSymmetricSurfaceDistance - bs.Assd) > 1e-9)
        {
            throw new InvalidOperationException($"Expected equal HD95/ASSD; got SDK {b.HausdorffDistance95}/{b.AverageSymmetricSurfaceDistance} and brute force {bs.Hd95}/{bs.Assd}.");
        }
    }

    /// <summary>Scalar confusion count and ratios.</summary>
    /// <returns>Dice.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Region")]
    public double RegionScalar() => ScalarMetrics.Region(_predicted, _truth).Dice;

    /// <summary>The SDK's vectorised confusion count and ratios.</summary>
    /// <returns>Dice.</returns>
    [Benchmark]
    [BenchmarkCategory("Region")]
    public double RegionSdk() => RegionMetrics.FromCounts(ConfusionCounts.FromMasks(Width, Height, _predicted, _truth)).Dice;

    /// <summary>Brute-force surface distances.</summary>
    /// <returns>HD95.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Boundary")]
    public double BoundaryBruteForce() => ScalarMetrics.Boundary(Width, Height, _predicted, _truth).Hd95;

    /// <summary>The SDK's exact distance transform.</summary>
    /// <returns>HD95.</returns>
    [Benchmark]
    [BenchmarkCategory("Boundary")]
    public double BoundarySdk() => BoundaryMetrics.Compute(Width, Height, _predicted, _truth).HausdorffDistance95;
}
