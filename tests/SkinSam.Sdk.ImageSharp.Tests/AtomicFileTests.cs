using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Sdk.ImageSharp.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skinsam-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DeleteStaleTemporaries_RemovesOnlyTheWritersTemporaryNames()
    {
        string[] stale =
        [
            ".ISIC_0025964.mask.png." + Guid.NewGuid().ToString("N") + ".tmp",
            ".report.json." + Guid.NewGuid().ToString("N") + ".tmp",
        ];
        string[] kept =
        [
            "ISIC_0025964.mask.png",
            "notes.tmp",
            ".hidden.tmp",
            ".x.0123456789abcdef0123456789ABCDEF.tmp", // upper-case digits: not a name Write makes
            ".x.0123456789abcdef.tmp",
            "." + Guid.NewGuid().ToString("N") + ".tmp", // no NAME part
        ];
        foreach (string name in stale.Concat(kept))
        {
            File.WriteAllText(Path.Combine(_folder, name), "x");
        }

        Directory.CreateDirectory(Path.Combine(_folder, ".sub." + Guid.NewGuid().ToString("N") + ".tmp"));

        Assert.Equal(stale.Length, AtomicFile.DeleteStaleTemporaries(_folder));
        string[] left = [.. Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(kept.Length + 1, left.Length);
        Assert.All(stale, name => Assert.DoesNotContain(name, left));
        Assert.All(kept, name => Assert.Contains(name, left));
    }

    [Fact]
    public void DeleteStaleTemporaries_MissingFolder_DeletesNothing() =>
        Assert.Equal(0, AtomicFile.DeleteStaleTemporaries(Path.Combine(_folder, "absent")));

    [Fact]
    public void Write_KilledBeforeRename_LeavesANameThatTheSweepRecognises()
    {
        string target = Path.Combine(_folder, "out.json");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, s =>
        {
            // Inside the writer the temporary file exists: its name is what a killed process would leave.
            string temp = Assert.Single(Directory.GetFiles(_folder));
            Assert.True(AtomicFile.IsTemporaryName(Path.GetFileName(temp)), temp);
            throw new InvalidOperationException("stop");
        }));
        Assert.Empty(Directory.GetFiles(_folder));
        Assert.False(File.Exists(target));
    }
}
