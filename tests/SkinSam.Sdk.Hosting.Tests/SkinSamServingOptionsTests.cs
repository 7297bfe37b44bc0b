using SkinSam.Sdk.Hosting;

namespace SkinSam.Sdk.Hosting.Tests;

public sealed class SkinSamServingOptionsTests
{
    [Fact]
    public void Validate_Defaults_HasNoFailures() => Assert.Empty(new SkinSamServingOptions().Validate());

    [Fact]
    public void Validate_OutOfRangeValues_NamesEachWithExpectedAndGot()
    {
        var options = new SkinSamServingOptions
        {
            MaxImageBytes = 0,
            MaxImagePixels = -1,
            MaxModelSide = -5,
            MaxConcurrentRequests = -1,
            MaxQueuedRequests = -1,
            QueueTimeout = TimeSpan.Zero,
            RetryAfterSeconds = 0,
            EmbeddingCacheBytes = 0,
        };

        IReadOnlyList<string> failures = options.Validate();

        Assert.Equal(8, failures.Count);
        Assert.All(failures, f => Assert.Matches("^[A-Za-z]+: expected .+; got .+$", f));
        Assert.Contains(failures, f => f.StartsWith("MaxModelSide: expected 0 (keep the size) or more; got -5", StringComparison.Ordinal));
    }
}
