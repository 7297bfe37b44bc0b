using Xunit.Abstractions;

namespace SkinSam.Cli.Tests;

/// <summary>
/// The adversarial corpus of the command line: hostile flags, paths and file-system states, each with the exit code
/// a careful tool gives (0 done, 1 some inputs failed, 2 usage, 3 model). Every case also asserts no stack trace, and
/// that <c>x -&gt; out/x.mask.png</c> is printed only for masks that exist.
/// </summary>
public sealed class HostileCliCasesTests(ITestOutputHelper output) : IDisposable
{
    private const string Box = "20,15,140,105";

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-cli-hostile-").FullName;

    /// <summary>name -> (build the arguments in a work folder, expected exit code).</summary>
    private static readonly Dictionary<string, (Func<string, string[]> Args, int Exit)> Cases = new(StringComparer.Ordinal)
    {
        ["no arguments at all"] = (_ => [], 2),
        ["unknown command"] = (_ => ["segmnt", CliRun.Image], 2),
        ["segment without images"] = (w => ["segment", "--out", Out(w)], 2),
        ["unknown option"] = (w => Segment(w, "--bogus"), 2),
        ["image that does not exist"] = (w => Segment(w, Path.Combine(w, "missing.jpg")), 2),
        ["folder with no images"] = (w => Segment(w, Folder(w, "empty")), 2),
        ["folder of folders only"] = (w => Segment(w, FolderOfFolders(w)), 2),
        ["folder of non-image files only"] = (w => Segment(w, FolderWith(w, "texts", ("notes.txt", "hello"u8.ToArray()), ("data.json", "{}"u8.ToArray()))), 2),
        ["directory given as an image path (dir named x.jpg, empty)"] = (w => Segment(w, Folder(w, "x.jpg")), 2),
        ["dangling symbolic link"] = (w => Segment(w, Dangling(w)), 2),
        ["symbolic link to a real image"] = (w => Segment(w, Link(w, "linked.jpg", CliRun.Image)), 0),
        ["file name with a newline"] = (w => Segment(w, Copy(w, "line\nbreak.jpg")), 0),
        ["file name with unicode"] = (w => Segment(w, Copy(w, "läsion-病变-🙂.jpg")), 0),
        ["file name with a leading dash, given as ./-x.jpg"] = (w => Segment(w, "./" + Path.GetRelativePath(Environment.CurrentDirectory, Copy(w, "-x.jpg"))), 0),
        ["file name with spaces and quotes"] = (w => Segment(w, Copy(w, "my \"lesion\" 'scan'.jpg")), 0),
        ["very long file name (outputs would exceed NAME_MAX)"] = (w => Segment(w, Copy(w, new string('a', 240) + ".jpg")), 1),
        ["same file given twice"] = (w => Segment(w, CliRun.Image, CliRun.Image), 0),
        ["same stem in two folders (a/x.jpg, b/x.jpg)"] = (w => Segment(w, Copy(w, "a/x.jpg"), Copy(w, "b/x.jpg")), 2),
        ["same stem, two extensions (x.jpg, x.png)"] = (w => Segment(w, Copy(w, "x.jpg"), Copy(w, "x.png")), 2),
        ["same stem, different case (X.jpg, c/x.jpg)"] = (w => Segment(w, Copy(w, "X.jpg"), Copy(w, "c/x.jpg")), 2),
        ["an own output given as input (x.mask.png)"] = (w => Segment(w, Copy(w, "x.mask.png")), 2),
        ["--out is an existing file"] = (w => ["segment", CliRun.Image, "--box", Box, "--model", CliRun.Model, "--out", File(w, "file.txt")], 2),
        ["--out inside a file"] = (w => ["segment", CliRun.Image, "--box", Box, "--model", CliRun.Model, "--out", Path.Combine(File(w, "file.txt"), "sub")], 2),
        ["--out with a NUL character"] = (w => ["segment", CliRun.Image, "--box", Box, "--model", CliRun.Model, "--out", Out(w) + "\0x"], 2),
        ["empty image file"] = (w => Segment(w, File(w, "empty.jpg")), 1),
        ["text file named .jpg"] = (w => Segment(w, File(w, "text.jpg", "this is not a JPEG")), 1),
        ["JPEG cut inside its header"] = (w => Segment(w, Prefix(w, "cut.jpg", 100)), 1),
        ["a pipe named .jpg (never opened, no hang)"] = (w => Segment(w, Fifo(w, "pipe.jpg"), CliRun.Image), 1),
        ["bad image between two good ones: the batch goes on"] = (w => Segment(w, Copy(w, "batch/a.jpg"), File(w, "batch/b.jpg", "junk"), Copy(w, "batch/c.jpg", CliRun.OtherImage)), 1),
        ["box outside the image"] = (w => ["segment", CliRun.Image, "--box", "5000,5000,6000,6000", "--model", CliRun.Model, "--out", Out(w)], 1),
        ["inverted box"] = (w => ["segment", CliRun.Image, "--box", "140,105,20,15", "--model", CliRun.Model, "--out", Out(w)], 2),
        ["points with two boxes"] = (w => ["segment", CliRun.Image, "--box", Box, "--box", "1,1,50,50", "--point", "30,30", "--model", CliRun.Model, "--out", Out(w)], 2),
        ["no prompt for a model that needs one"] = (w => ["segment", CliRun.Image, "--model", CliRun.Model, "--out", Out(w)], 2),
        ["model folder that does not exist"] = (w => ["segment", CliRun.Image, "--box", Box, "--model", Path.Combine(w, "no-model"), "--out", Out(w)], 3),
        ["model folder that is empty"] = (w => ["segment", CliRun.Image, "--box", Box, "--model", Folder(w, "empty-model"), "--out", Out(w)], 3),
        ["model folder that is a file"] = (w => ["models", "inspect", File(w, "model.txt", "x")], 3),
        ["output name taken by a folder"] = (w => Segment(w, Copy(w, "in/y.jpg")).Concat(PreCreate(w, "y.mask.png", asFolder: true)).ToArray(), 1),
        ["output name taken by a symbolic link to a file outside --out"] = (w => Segment(w, Copy(w, "in/z.jpg")).Concat(PreCreateLink(w, "z.json")).ToArray(), 1),
        ["--prompts file that does not exist"] = (w => ["segment", "--prompts", Path.Combine(w, "none.jsonl"), "--model", CliRun.Model, "--out", Out(w)], 2),
        ["--prompts file that is a folder"] = (w => ["segment", "--prompts", Folder(w, "p.jsonl"), "--model", CliRun.Model, "--out", Out(w)], 2),
        ["--prompts empty file"] = (w => ["segment", "--prompts", File(w, "e.jsonl"), "--model", CliRun.Model, "--out", Out(w)], 2),
        ["--prompts line that is not JSON"] = (w => Prompts(w, "{\"image\": "), 2),
        ["--prompts line with a misspelt key"] = (w => Prompts(w, $"{{\"image\": \"{Esc(CliRun.Image)}\", \"boxs\": [[{Box}]]}}"), 2),
        ["--prompts line with a missing image"] = (w => Prompts(w, "{\"image\": \"nope.jpg\", \"boxes\": [[1,1,5,5]]}"), 2),
        ["--prompts line with a box of three numbers"] = (w => Prompts(w, $"{{\"image\": \"{Esc(CliRun.Image)}\", \"boxes\": [[1,2,3]]}}"), 2),
        ["--prompts line with a huge number"] = (w => Prompts(w, $"{{\"image\": \"{Esc(CliRun.Image)}\", \"boxes\": [[1,2,3,1e39]]}}"), 2),
        ["--prompts with image arguments too"] = (w => ["segment", CliRun.Image, "--prompts", File(w, "x.jsonl", "{}"), "--model", CliRun.Model, "--out", Out(w)], 2),
        ["--prompts naming one image twice"] = (w => Prompts(w, $"{{\"image\": \"{Esc(CliRun.Image)}\", \"boxes\": [[{Box}]]}}", $"{{\"image\": \"{Esc(CliRun.Image)}\", \"boxes\": [[1,1,50,50]]}}"), 2),
        ["evaluate with --data a file"] = (w => ["evaluate", "--data", File(w, "data.txt", "x"), "--baseline", "box", "--prompt", "box", "--out", Out(w)], 2),
        ["evaluate with --model and --baseline"] = (w => ["evaluate", "--data", Folder(w, "d"), "--baseline", "box", "--model", CliRun.Model, "--out", Out(w)], 2),
        ["evaluate merge of a folder that does not exist"] = (w => ["evaluate", "merge", Path.Combine(w, "nope"), "--out", Out(w)], 2),
        ["evaluate compare of a file"] = (w => ["evaluate", "compare", File(w, "r.txt", "x"), "--out", Out(w)], 2),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    public void Dispose()
    {
        // Some cases make the work folder hard to delete (a pipe); best effort is enough for a temp folder.
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task HostileInput_ExitsWithDocumentedCodeAndNoStackTrace(string name)
    {
        (Func<string, string[]> build, int expected) = Cases[name];
        string[] args = build(_work);
        CliRun run = await CliRun.RunAsync(args);
        output.WriteLine($"[{name}] exit {run.ExitCode}\nstdout: {run.Stdout}\nstderr: {run.Stderr}");
        run.AssertExit(expected, name);
        AssertWrittenLinesPointAtFiles(run);
    }

    [Fact]
    public void Corpus_HasAtLeast25Cases() => Assert.True(Cases.Count >= 25, $"expected at least 25 hostile cases; got {Cases.Count}");

    [Fact]
    public async Task SameStemInTwoFolders_WritesNothing()
    {
        string outDir = Out(_work);
        CliRun run = await CliRun.RunAsync(Segment(_work, Copy(_work, "a/x.jpg"), Copy(_work, "b/x.jpg")));
        run.AssertExit(2, "same stem");
        Assert.Contains("x.jpg", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir), "the run refused but created --out");
    }

    [Fact]
    public async Task BadImageInBatch_OthersWrittenAndSummaryCountsEach()
    {
        string outDir = Out(_work);
        CliRun run = await CliRun.RunAsync(Segment(_work, Copy(_work, "batch/a.jpg"), File(_work, "batch/b.jpg", "junk"), Copy(_work, "batch/c.jpg", CliRun.OtherImage)));
        run.AssertExit(1, "batch");
        Assert.True(System.IO.File.Exists(Path.Combine(outDir, "a.mask.png")));
        Assert.True(System.IO.File.Exists(Path.Combine(outDir, "c.mask.png")));
        Assert.False(System.IO.File.Exists(Path.Combine(outDir, "b.mask.png")));
        Assert.Contains("done 2, failed 1, skipped 0 of 3", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("b.jpg ->", run.Stdout, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n'), l => l.Contains("b.jpg", StringComparison.Ordinal)); // the path once, on one line
    }

    [Fact]
    public async Task OutEqualToInputFolder_SecondRunDoesNotSegmentItsOwnOutputs()
    {
        string folder = Path.GetDirectoryName(Copy(_work, "same/lesion.jpg"))!;
        string[] args = ["segment", folder, "--box", Box, "--model", CliRun.Model, "--out", folder];
        (await CliRun.RunAsync(args)).AssertExit(0, "first run");
        CliRun second = await CliRun.RunAsync(args);
        second.AssertExit(0, "second run");
        Assert.Contains("done 1, failed 0, skipped 0 of 1", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(["lesion.jpg", "lesion.json", "lesion.mask.png", "lesion.overlay.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OutputNameIsALinkToAFileOutsideOut_TheFileOutsideIsUntouched()
    {
        string[] args = [.. Segment(_work, Copy(_work, "in/z.jpg")), .. PreCreateLink(_work, "z.json")];
        string outside = Path.Combine(_work, "outside.txt");
        CliRun run = await CliRun.RunAsync(args);
        run.AssertExit(1, "link");
        Assert.Equal("precious", await System.IO.File.ReadAllTextAsync(outside));
        Assert.Contains("symbolic link", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Every <c>x -&gt; path</c> line on stdout names a file that exists.</summary>
    private static void AssertWrittenLinesPointAtFiles(CliRun run)
    {
        foreach (string line in run.Stdout.Split('\n').Where(l => l.Contains(" -> ", StringComparison.Ordinal)))
        {
            // The CLI shows control characters in names escaped, so each message stays on one line.
            string path = line[(line.LastIndexOf(" -> ", StringComparison.Ordinal) + 4)..].TrimEnd('\r').Replace("\\n", "\n", StringComparison.Ordinal);
            Assert.True(System.IO.File.Exists(path), $"stdout says '{line}' but {path} does not exist");
        }
    }

    private static string Out(string work) => Path.Combine(work, "out");

    private static string[] Segment(string work, params string[] images) => ["segment", .. images, "--box", Box, "--model", CliRun.Model, "--out", Out(work)];

    private static string[] Prompts(string work, params string[] lines) =>
        ["segment", "--prompts", File(work, "prompts.jsonl", string.Join('\n', lines) + "\n"), "--model", CliRun.Model, "--out", Out(work)];

    private static string Esc(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Folder(string work, string name) => Directory.CreateDirectory(Path.Combine(work, name)).FullName;

    private static string FolderOfFolders(string work)
    {
        string root = Folder(work, "nested");
        Folder(root, "a.jpg");
        Folder(Path.Combine(root, "b"), "c");
        return root;
    }

    private static string FolderWith(string work, string name, params (string Name, byte[] Bytes)[] files)
    {
        string folder = Folder(work, name);
        foreach ((string file, byte[] bytes) in files)
        {
            System.IO.File.WriteAllBytes(Path.Combine(folder, file), bytes);
        }

        return folder;
    }

    private static string File(string work, string name, string text = "")
    {
        string path = Path.Combine(work, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static string Copy(string work, string name, string? source = null)
    {
        string path = Path.Combine(work, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.Copy(source ?? CliRun.Image, path, overwrite: true);
        return path;
    }

    private static string Prefix(string work, string name, int bytes)
    {
        string path = Path.Combine(work, name);
        System.IO.File.WriteAllBytes(path, System.IO.File.ReadAllBytes(CliRun.Image)[..bytes]);
        return path;
    }

    private static string Link(string work, string name, string target)
    {
        string path = Path.Combine(work, name);
        System.IO.File.CreateSymbolicLink(path, target);
        return path;
    }

    private static string Dangling(string work) => Link(work, "dangling.jpg", Path.Combine(work, "gone.jpg"));

    private static string Fifo(string work, string name)
    {
        string path = Path.Combine(work, name);
        FileSystemFaults.MakeFifo(path);
        return path;
    }

    /// <summary>Puts a folder (or a file) at an output name before the run; returns no extra arguments.</summary>
    private static string[] PreCreate(string work, string name, bool asFolder)
    {
        string path = Path.Combine(Out(work), name);
        if (asFolder)
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            File(Out(work), name, "x");
        }

        return [];
    }

    /// <summary>Puts a symbolic link to <c>outside.txt</c> (content "precious") at an output name; returns no extra arguments.</summary>
    private static string[] PreCreateLink(string work, string name)
    {
        string outside = File(work, "outside.txt", "precious");
        Directory.CreateDirectory(Out(work));
        System.IO.File.CreateSymbolicLink(Path.Combine(Out(work), name), outside);
        return [];
    }
}
