using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>The tests that share one packed feed; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "packed feed";
}

/// <summary>
/// Packs the libraries, the model package and the skinsam tool (for this machine's runtime identifier only) into a
/// temporary local feed, once for every test of <see cref="PackageFeedCollection"/>, with a version of its own; removes
/// the feed, and that version from the NuGet cache, afterwards.
/// </summary>
public sealed partial class PackageFeed : IDisposable
{
    /// <summary>Library packages, as packed from src/.</summary>
    public static readonly string[] Libraries = ["SkinSam.Sdk", "SkinSam.Sdk.ImageSharp", "SkinSam.Models.SkinSamTiny"];

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    public PackageFeed()
    {
        Root = FindRepositoryRoot();
        Version = "0.0.0-smoke." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Work = Path.Combine(Path.GetTempPath(), "skinsam-smoke-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Work, "feed");
        Directory.CreateDirectory(Feed);

        // Stop MSBuild's upward search for Directory.Build.* files at the work folder.
        File.WriteAllText(Path.Combine(Work, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Work, "Directory.Build.targets"), "<Project />\n");

        string artifacts = Path.Combine(Work, "artifacts");
        try
        {
            foreach (string library in Libraries)
            {
                // Own artifacts folder: the pack neither touches nor depends on the repository's bin/ and obj/.
                Pack($"src/{library}/{library}.csproj", artifacts);
            }

            // One runtime identifier (this machine's) instead of the project's list: the pack publishes once, not four times.
            Pack("samples/SkinSam.Cli/SkinSam.Cli.csproj", artifacts, "-p:ToolPackageRuntimeIdentifiers=" + RuntimeIdentifier);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The repository root (the folder of SkinSam.Sdk.sln).</summary>
    public string Root { get; }

    /// <summary>The version every package of this feed has.</summary>
    public string Version { get; }

    /// <summary>A temporary folder for this feed and the tests' apps; deleted on dispose.</summary>
    public string Work { get; }

    /// <summary>The local feed with the packed .nupkg and .snupkg files.</summary>
    public string Feed { get; }

    /// <summary>What the packs printed.</summary>
    public string Log { get; private set; } = string.Empty;

    /// <summary>This machine's runtime identifier, the one the tool is packed for.</summary>
    public static string RuntimeIdentifier => RuntimeInformation.RuntimeIdentifier;

    /// <summary>The version of ONNX Runtime the repository uses (Directory.Packages.props).</summary>
    public string OnnxRuntimeVersion
    {
        get
        {
            string version = OnnxRuntimeVersionPattern().Match(File.ReadAllText(Path.Combine(Root, "Directory.Packages.props"))).Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(version), "Expected <OnnxRuntimeVersion> in Directory.Packages.props; got none.");
            return version;
        }
    }

    /// <summary>The path of a package of this feed.</summary>
    public string Package(string id, string extension = "nupkg")
    {
        string path = Path.Combine(Feed, $"{id}.{Version}.{extension}");
        Assert.True(File.Exists(path), $"Expected {Path.GetFileName(path)} in {Feed}; got {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}.");
        return path;
    }

    /// <summary>Writes a nuget.config with this feed (and nuget.org, for the third-party packages) into a folder.</summary>
    public string WriteNuGetConfig(string folder)
    {
        string path = Path.Combine(folder, "nuget.config");
        File.WriteAllText(
            path,
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ConsumerApp", "nuget.config.txt")).Replace("$LOCAL_FEED$", Feed, StringComparison.Ordinal));
        return path;
    }

    public void Dispose()
    {
        TryDelete(Work);
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in Libraries.Append("SkinSam.Cli").Append("SkinSam.Cli." + RuntimeIdentifier))
        {
            string folder = Path.Combine(packages, id.ToLowerInvariant());
            TryDelete(Path.Combine(folder, Version));
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                TryDelete(folder);
            }
        }
    }

    /// <summary>Deletes a folder; a leftover temporary folder must not fail a test.</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Pack(string project, string artifacts, params string[] extra)
    {
        string[] arguments = ["pack", Path.Combine(Root, project), "-c", "Release", "-o", Feed, "--artifacts-path", artifacts, "-p:Version=" + Version, .. extra];
        (int exitCode, string text, TimeSpan elapsed) = DotnetCommand.Run(Root, StepTimeout, arguments);
        Log += $"pack {project}: exit {exitCode} after {elapsed.TotalSeconds:F0} s\n";
        Assert.True(exitCode == 0, $"Expected 'dotnet pack {project}' to succeed; got exit code {exitCode}:\n{text}");
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SkinSam.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Expected SkinSam.Sdk.sln in a folder above {AppContext.BaseDirectory}; got none.");
    }

    [GeneratedRegex("<OnnxRuntimeVersion>([^<]+)</OnnxRuntimeVersion>")]
    private static partial Regex OnnxRuntimeVersionPattern();
}
