using Xunit.Abstractions;

namespace SkinSam.Cli.Tests;

/// <summary>
/// File-system faults: unreadable inputs, an unwritable or read-only <c>--out</c>, a disk that fills up mid-image.
/// Each ends in the documented exit code with one <c>error:</c> line per fault, no stack trace, no half-written output.
/// </summary>
/// <remarks>
/// "Unreadable" for root: permission bits do not stop root (CAP_DAC_OVERRIDE), so <c>chmod 000</c> is unreadable only
/// for other users; the test asserts what each gets. What root cannot read: a dangling symbolic link, a folder where a
/// file is expected, a pipe without a writer (which would block a reader forever, so the CLI never opens one).
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSystemFaultTests(ITestOutputHelper output) : IDisposable
{
    private const string Box = "20,15,140,105";

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-cli-fs-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Segment_InputWithoutReadPermission_FailsForOthersAndIsReadByRoot()
    {
        string image = Path.Combine(_work, "locked.jpg");
        File.Copy(CliRun.Image, image);
        File.SetUnixFileMode(image, UnixFileMode.None);
        CliRun run = await Segment(image);
        bool root = FileSystemFaults.IsRoot;
        output.WriteLine($"root: {root}; exit {run.ExitCode}; {run.Stderr}");
        run.AssertExit(root ? 0 : 1, "chmod 000 input");
        if (!root)
        {
            Assert.Contains("locked.jpg", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Segment_FolderWithoutPermissions_ExitsTwoForOthersAndIsListedByRoot()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_work, "locked-folder")).FullName;
        File.Copy(CliRun.Image, Path.Combine(folder, "a.jpg"));
        File.SetUnixFileMode(folder, UnixFileMode.None);
        CliRun run = await Segment(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        run.AssertExit(FileSystemFaults.IsRoot ? 0 : 2, "chmod 000 folder");
    }

    [Fact]
    public async Task Segment_PipeAsInput_RefusedWithoutOpeningIt()
    {
        string pipe = Path.Combine(_work, "pipe.jpg");
        FileSystemFaults.MakeFifo(pipe);
        CliRun run = await Segment(pipe);
        run.AssertExit(1, "pipe input");
        Assert.Contains("pipe", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segment_OutWithoutWritePermission_ExitsTwoForOthers()
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_work, "locked-out")).FullName;
        File.SetUnixFileMode(outDir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        CliRun run = await Segment(CliRun.Image, outDir);
        File.SetUnixFileMode(outDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        run.AssertExit(FileSystemFaults.IsRoot ? 0 : 2, "read-only --out by permission");
    }

    [MountFact]
    public async Task Segment_OutOnReadOnlyMount_ExitsTwoBeforeLoadingTheModel()
    {
        string mount = Directory.CreateDirectory(Path.Combine(_work, "ro")).FullName;
        using (FileSystemFaults.MountTmpfs(mount, "1m", readOnly: true))
        {
            CliRun run = await Segment(CliRun.Image, mount);
            run.AssertExit(2, "read-only mount");
            Assert.Contains("--out", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("Read-only", run.Stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    [MountFact]
    public async Task Segment_OutFolderToBeCreatedOnReadOnlyMount_ExitsTwo()
    {
        string mount = Directory.CreateDirectory(Path.Combine(_work, "ro2")).FullName;
        using (FileSystemFaults.MountTmpfs(mount, "1m"))
        {
            FileSystemFaults.RemountReadOnly(mount);
            CliRun run = await Segment(CliRun.Image, Path.Combine(mount, "new", "out"));
            run.AssertExit(2, "--out cannot be created");
        }
    }

    [MountFact]
    public async Task Segment_DiskFillsUpMidImage_ImageFailsNoPartialFileAndBatchSummarised()
    {
        string mount = Directory.CreateDirectory(Path.Combine(_work, "full")).FullName;
        using (FileSystemFaults.MountTmpfs(mount, "12k"))
        {
            CliRun run = await Segment(CliRun.Image, mount);
            output.WriteLine(run.Output);
            run.AssertExit(1, "full disk");
            Assert.Contains("done 0, failed 1", run.Stdout, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(mount, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(mount, ".*")));
            Assert.False(File.Exists(Path.Combine(mount, "ISIC_0025964.json")), "the summary exists though the image failed");
        }
    }

    [MountFact]
    public async Task Evaluate_OutOnReadOnlyMount_ExitsTwoNamingOut()
    {
        string mount = Directory.CreateDirectory(Path.Combine(_work, "ro-eval")).FullName;
        string data = Directory.CreateDirectory(Path.Combine(_work, "data")).FullName;
        using (FileSystemFaults.MountTmpfs(mount, "1m", readOnly: true))
        {
            CliRun run = await CliRun.RunAsync("evaluate", "--data", data, "--layout", "folders", "--baseline", "box", "--prompt", "box", "--out", Path.Combine(mount, "results"));
            output.WriteLine(run.Output);
            run.AssertExit(2, "evaluate on a read-only mount");
            Assert.Contains("--out", run.Stderr, StringComparison.Ordinal);
        }
    }

    private Task<CliRun> Segment(string image, string? outDir = null) =>
        CliRun.RunAsync("segment", image, "--box", Box, "--model", CliRun.Model, "--out", outDir ?? Path.Combine(_work, "out"));
}
