namespace SkinSam.Sdk.Benchmarks.Infrastructure;

/// <summary>Finds the repository root, so suites run the same from the host and from BenchmarkDotNet's child processes.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The folder holding SkinSam.Sdk.sln: SKINSAM_REPO_ROOT, else the first parent of the base or current directory that holds it; null when none does.</summary>
    public static string? RootOrNull => Root.Value;

    /// <summary>The repository's .cache folder (git-ignored), where generated models go.</summary>
    public static string CacheFolder => Path.Combine(RootOrNull ?? Directory.GetCurrentDirectory(), ".cache");

    private static string? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SKINSAM_REPO_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && File.Exists(Path.Combine(fromEnvironment, "SkinSam.Sdk.sln")))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "SkinSam.Sdk.sln")))
                {
                    return d.FullName;
                }
            }
        }

        return null;
    }
}
