namespace SkinSam.Sdk.Metrics;

/// <summary>
/// How <see cref="MetricSummary"/> draws its bootstrap confidence interval: the percentile method over
/// <see cref="Resamples"/> resampled means, from a pseudo-random generator seeded with <see cref="Seed"/>.
/// The same values, options and library version give the same interval on every machine.
/// </summary>
public sealed class BootstrapOptions
{
    /// <summary>The defaults: 1000 resamples, seed 0, 95 % confidence.</summary>
    public static BootstrapOptions Default { get; } = new();

    /// <summary>Number of bootstrap resamples, at least 1. Default 1000.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed of the generator (SplitMix64). Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Coverage of the interval, strictly between 0 and 1. Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Throws one exception naming every invalid option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        List<string> problems = [];
        if (Resamples < 1)
        {
            problems.Add($"Expected Resamples of at least 1; got {Resamples}.");
        }

        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
        {
            problems.Add($"Expected ConfidenceLevel strictly between 0 and 1; got {ConfidenceLevel}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
