using System.Diagnostics;
using System.Net.Sockets;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.ImageSharp.Tests;

/// <summary>
/// Writers refuse a destination that is not a regular file — a device, named pipe, socket, directory or symbolic link —
/// and leave it exactly as it was.
/// </summary>
public sealed class AtomicFileOutputPathTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skinsam-outpath-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(10_000), "mkfifo did not finish");
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static BinaryMask Mask() => new(4, 3);

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/full")]
    public void SavePng_Device_ThrowsAndLeavesTheDevice(string device)
    {
        var ex = Assert.Throws<OutputPathException>(() => MaskImage.SavePng(Mask(), device));
        Assert.Equal($"Expected '{device}' to be a regular file or not to exist yet; got a character device. Refusing to write: nothing was replaced.", ex.Message);
        Assert.Equal("a character device", FileSystemEntryKind.DescribeIfNotRegularFile(device));
    }

    [Fact]
    public void SavePng_NamedPipe_ThrowsWithoutOpeningItAndLeavesThePipe()
    {
        string fifo = Path.Combine(_folder, "x.mask.png");
        MakeFifo(fifo);
        var ex = Assert.Throws<OutputPathException>(() => MaskImage.SavePng(Mask(), fifo));
        Assert.Contains("got a named pipe (FIFO)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a named pipe (FIFO)", FileSystemEntryKind.DescribeIfNotRegularFile(fifo));
        Assert.Equal(["x.mask.png"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveOverlay_NamedPipe_ThrowsAndLeavesThePipe()
    {
        string fifo = Path.Combine(_folder, "x.overlay.png");
        MakeFifo(fifo);
        var image = new ImageBuffer(new byte[4 * 3 * 3], 4, 3, PixelFormat.Rgb24);
        Assert.Throws<OutputPathException>(() => MaskImage.SaveOverlay(image, Mask(), fifo));
        Assert.Equal("a named pipe (FIFO)", FileSystemEntryKind.DescribeIfNotRegularFile(fifo));
    }

    [Fact]
    public void Write_Socket_ThrowsAndLeavesTheSocket()
    {
        string path = Path.Combine(_folder, "s.png");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        var ex = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Contains("got a socket", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a socket", FileSystemEntryKind.DescribeIfNotRegularFile(path));
    }

    [Fact]
    public void Write_Directory_ThrowsAndLeavesTheDirectory()
    {
        string path = Path.Combine(_folder, "out.png");
        Directory.CreateDirectory(Path.Combine(path, "inner"));
        var ex = Assert.Throws<OutputPathException>(() => MaskImage.SavePng(Mask(), path));
        Assert.Contains("got a directory", ex.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(path, "inner")));
    }

    [Fact]
    public void Write_PathEndingInSeparator_ThrowsNamingAFolder()
    {
        var ex = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(_folder + "/", "x"));
        Assert.Contains("which names a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavePng_SymbolicLinkToAFile_ThrowsAndChangesNeitherLinkNorTarget()
    {
        string target = Path.Combine(_folder, "precious.txt");
        File.WriteAllText(target, "patient record");
        string link = Path.Combine(_folder, "x.mask.png");
        File.CreateSymbolicLink(link, target);
        var ex = Assert.Throws<OutputPathException>(() => MaskImage.SavePng(Mask(), link));
        Assert.Contains($"got a symbolic link to '{target}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("patient record", File.ReadAllText(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void SavePng_DanglingSymbolicLink_ThrowsAndCreatesNoTarget()
    {
        string target = Path.Combine(_folder, "elsewhere", "made.png");
        string link = Path.Combine(_folder, "x.mask.png");
        File.CreateSymbolicLink(link, target);
        Assert.Throws<OutputPathException>(() => MaskImage.SavePng(Mask(), link));
        Assert.False(File.Exists(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void SavePng_ExistingRegularFileOrNewPath_IsWritten()
    {
        string existing = Path.Combine(_folder, "old.png");
        File.WriteAllText(existing, "old");
        MaskImage.SavePng(Mask(), existing);
        MaskImage.SavePng(Mask(), Path.Combine(_folder, "new.png"));
        Assert.Equal((4, 3), (MaskImage.Load(existing).Width, MaskImage.Load(existing).Height));
        Assert.True(File.Exists(Path.Combine(_folder, "new.png")));
        Assert.Null(FileSystemEntryKind.DescribeIfNotRegularFile(existing));
        Assert.Null(FileSystemEntryKind.DescribeIfNotRegularFile(Path.Combine(_folder, "missing.png")));
    }
}
