using System.IO.Compression;
using System.Xml.Linq;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>
/// What the packed feed holds: libraries without native binaries, the tool for one runtime identifier within 40 MB and
/// carrying the model, symbols beside every package, and the licence, README and repository metadata of each.
/// </summary>
[Collection(PackageFeedCollection.Name)]
[Trait("Category", "Packaging")]
[Trait("Category", "Long")]
public sealed class PackageContentsTests(PackageFeed feed)
{
    private const long ToolPackageLimit = 40L * 1024 * 1024;
    private static readonly string[] NativeExtensions = [".so", ".dylib", ".a", ".lib"];

    [Theory]
    [InlineData("SkinSam.Sdk")]
    [InlineData("SkinSam.Sdk.ImageSharp")]
    [InlineData("SkinSam.Models.SkinSamTiny")]
    public void LibraryPackage_Entries_OnlyItsOwnManagedAssemblyAndNoNatives(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(feed.Package(id));
        string[] entries = [.. package.Entries.Select(e => e.FullName)];

        string[] natives = [.. entries.Where(e => e.StartsWith("runtimes/", StringComparison.Ordinal) || NativeExtensions.Contains(Path.GetExtension(e)))];
        Assert.True(natives.Length == 0, $"Expected no native binaries in {id}; got {string.Join(", ", natives)}.");
        string[] assemblies = [.. entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || e.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))];
        Assert.Equal([$"lib/net10.0/{id}.dll"], assemblies);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.True(File.Exists(feed.Package(id, "snupkg")), $"Expected the symbol package {id}.{feed.Version}.snupkg.");
    }

    [Theory]
    [InlineData("SkinSam.Sdk", "MIT")]
    [InlineData("SkinSam.Sdk.ImageSharp", "MIT")]
    [InlineData("SkinSam.Models.SkinSamTiny", "CC-BY-NC-4.0")]
    [InlineData("SkinSam.Cli", "MIT AND CC-BY-NC-4.0")]
    public void Package_Nuspec_LicenceReadmeAndRepository(string id, string licence)
    {
        XElement metadata = Nuspec(feed.Package(id));
        XElement license = Element(metadata, "license");
        Assert.Equal(("expression", licence), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", Element(metadata, "readme").Value);
        XElement repository = Element(metadata, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.False(string.IsNullOrEmpty((string?)repository.Attribute("url")), $"Expected a repository url in {id}'s nuspec; got {repository}.");
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty);
    }

    [Fact]
    public void ModelPackage_Entries_TheModelFilesAndTheTargetsThatCopyThem()
    {
        using ZipArchive package = ZipFile.OpenRead(feed.Package("SkinSam.Models.SkinSamTiny"));
        foreach (string file in new[] { "encoder.onnx", "decoder.onnx", "model.json", "MODEL_CARD.md" })
        {
            ZipArchiveEntry? entry = package.GetEntry("models/skinsam-tiny/" + file);
            Assert.True(entry is not null, $"Expected models/skinsam-tiny/{file} in the model package; got {string.Join(", ", package.Entries.Select(e => e.FullName))}.");
            Assert.Equal(new FileInfo(Path.Combine(feed.Root, "models", "skinsam-tiny", file)).Length, entry.Length);
        }

        Assert.NotNull(package.GetEntry("buildTransitive/SkinSam.Models.SkinSamTiny.targets"));
        Assert.Null(package.GetEntry("models/skinsam-tiny/val_split.txt"));
    }

    [Fact]
    public void ToolPackage_ForThisRuntime_Within40MegabytesWithItsNativesOnlyAndTheModel()
    {
        string rid = PackageFeed.RuntimeIdentifier;
        string ridPackage = feed.Package("SkinSam.Cli." + rid);
        long size = new FileInfo(ridPackage).Length;
        Assert.True(size <= ToolPackageLimit, $"Expected the {rid} tool package within 40 MB; got {size / 1048576.0:F1} MB.");

        using ZipArchive package = ZipFile.OpenRead(ridPackage);
        string[] entries = [.. package.Entries.Select(e => e.FullName)];
        string[] otherPlatforms = [.. entries.Where(e => e.Contains("/runtimes/", StringComparison.Ordinal) && !e.Contains($"/runtimes/{rid}/", StringComparison.Ordinal))];
        Assert.True(otherPlatforms.Length == 0, $"Expected only {rid} natives in the tool package; got {string.Join(", ", otherPlatforms.Take(10))}.");
        Assert.Contains(entries, e => e.EndsWith("/libonnxruntime.so", StringComparison.Ordinal) || e.EndsWith("/onnxruntime.dll", StringComparison.Ordinal) || e.EndsWith("/libonnxruntime.dylib", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("/models/skinsam-tiny/encoder.onnx", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("/models/skinsam-tiny/decoder.onnx", StringComparison.Ordinal));

        // The package 'dotnet tool install SkinSam.Cli' finds first holds no code: it points at the runtime-specific ones.
        using ZipArchive pointer = ZipFile.OpenRead(feed.Package("SkinSam.Cli"));
        Assert.DoesNotContain(pointer.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal) || e.FullName.EndsWith(".so", StringComparison.Ordinal));
    }

    private static XElement Nuspec(string package)
    {
        using ZipArchive archive = ZipFile.OpenRead(package);
        ZipArchiveEntry entry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using Stream stream = entry.Open();
        XElement root = XDocument.Load(stream).Root!;
        return root.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name) ?? throw new Xunit.Sdk.XunitException($"Expected <{name}> in the nuspec; got {string.Join(", ", metadata.Elements().Select(e => e.Name.LocalName))}.");
}
