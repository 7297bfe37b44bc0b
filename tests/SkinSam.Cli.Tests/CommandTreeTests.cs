using System.CommandLine;
using System.CommandLine.Help;
using Xunit.Abstractions;

namespace SkinSam.Cli.Tests;

/// <summary>
/// Walks the whole command tree through the System.CommandLine object model and feeds every option of every command
/// invalid values (wrong type, out of range, empty, NaN, huge, missing): each must end in exit code 2, one
/// <c>error:</c> line naming the option and a short usage hint, never a stack trace. A new option fails
/// <see cref="EveryStringOption_IsClassified"/> until it is given invalid values here.
/// </summary>
public sealed class CommandTreeTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>String options whose values are paths: only empty and missing values are invalid at parse time (file-system faults are tested elsewhere).</summary>
    private static readonly string[] PathOptions = ["--model", "--out", "--data", "--ids", "--mask-pattern", "--prompts"];

    /// <summary>Invalid words for string options with a grammar.</summary>
    private static readonly Dictionary<string, string[]> InvalidWords = new(StringComparer.Ordinal)
    {
        ["--provider"] = ["foo", "cuda:x", ",", "cpu,gpu", "cuda:99999999999999999999"],
        ["--layout"] = ["foo", "NaN", "ham10000x"],
        ["--prompt"] = ["foo", "points:-1", "points:NaN", "points:99999999999999999999", "box:"],
        ["--shard"] = ["1/0", "5/4", "x", "-1/4", "NaN/NaN", "0/99999999999999999999"],
        ["--baseline"] = ["circle", "NaN"],
        ["--box"] = ["1,2,3", "NaN,1,2,3", "1e39,0,1,1", "a,b,c,d", "1,2,3,4,5", "-inf,0,10,10"],
        ["--point"] = ["1", "1,2,5", "inf,2", "NaN,NaN", "1,2,0.5", "1e39,1"],
    };

    private static readonly string[] NumberGarbage = ["abc", "NaN", "1e400", "999999999999999999999999", "-99999", "0x10", "1.5", "∞"];

    private readonly string _work = CreateWork();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>A work folder with an (empty) data set folder and run folder, so only the option under test is wrong.</summary>
    private static string CreateWork()
    {
        string work = Directory.CreateTempSubdirectory("skinsam-cli-tree-").FullName;
        Directory.CreateDirectory(Path.Combine(work, "data"));
        Directory.CreateDirectory(Path.Combine(work, "run"));
        return work;
    }

    public static TheoryData<string, string, string> InvalidOptionValues()
    {
        var data = new TheoryData<string, string, string>();
        foreach ((string path, Option option) in AllOptions())
        {
            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            var values = new List<string>();
            if (type == typeof(bool))
            {
                values.AddRange(["maybe", "2", "NaN"]);
            }
            else
            {
                values.Add(string.Empty);
                values.Add(" ");
                if (type == typeof(int))
                {
                    values.AddRange([.. NumberGarbage, "2147483648"]);
                }
                else if (type == typeof(ulong))
                {
                    values.AddRange([.. NumberGarbage, "18446744073709551616"]);
                }
                else if (type.IsEnum)
                {
                    values.AddRange(["7", "-1", "NaN", "nope", "99999999999999999999"]);
                }
                else if (InvalidWords.TryGetValue(option.Name, out string[]? words))
                {
                    values.AddRange(words);
                }
            }

            foreach (string value in values)
            {
                data.Add(path, option.Name, value);
            }

            if (type != typeof(bool))
            {
                data.Add(path, option.Name, "<missing>");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidOptionValues))]
    public async Task Option_InvalidValue_ExitsTwoWithOneErrorNamingTheOptionAndNoStackTrace(string command, string option, string value)
    {
        List<string> args = [.. command.Split(' '), .. WithoutOption(ValidArguments(command), option)];
        if (value == "<missing>")
        {
            args.Add(option); // last, so it has no value
        }
        else if (value.StartsWith('-') || value.Length == 0 || (Nullable.GetUnderlyingType(OptionOf(command, option).ValueType) ?? OptionOf(command, option).ValueType) == typeof(bool))
        {
            args.Add($"{option}={value}");
        }
        else
        {
            args.AddRange([option, value]);
        }

        CliRun run = await CliRun.RunAsync([.. args]);
        string context = $"skinsam {string.Join(' ', args.Select(a => $"'{a}'"))}";
        output.WriteLine($"{context} -> {run.ExitCode}: {run.Stderr.Trim()}");
        run.AssertExit(2, context);
        bool isFlag = OptionOf(command, option).ValueType == typeof(bool); // --flag=maybe: the parser leaves 'maybe' unmatched and names it
        Assert.True(run.Stderr.Contains(option, StringComparison.Ordinal) || (isFlag && run.Stderr.Contains($"'{value}'", StringComparison.Ordinal)), $"{context}: the error names neither {option} nor '{value}': {run.Stderr}");
        Assert.False(Directory.Exists(Path.Combine(_work, "out")) && Directory.EnumerateFileSystemEntries(Path.Combine(_work, "out")).Any(), $"{context}: wrote outputs before refusing");
    }

    [Fact]
    public void EveryStringOption_IsClassified()
    {
        foreach ((string path, Option option) in AllOptions())
        {
            if (option.ValueType == typeof(string) || option.ValueType == typeof(string[]))
            {
                Assert.True(
                    PathOptions.Contains(option.Name) || InvalidWords.ContainsKey(option.Name),
                    $"'{path} {option.Name}' is a string option with no invalid values in {nameof(CommandTreeTests)}: add it to {nameof(PathOptions)} or {nameof(InvalidWords)}.");
            }
        }
    }

    [Fact]
    public void CommandTree_HasEveryCommandAndOptionWithAnExampleInItsHelp()
    {
        List<(string Path, Option Option)> options = [.. AllOptions()];
        Assert.Equal(["evaluate", "evaluate compare", "evaluate merge", "models inspect", "segment"], options.Select(o => o.Path).Distinct().Order(StringComparer.Ordinal));
        foreach ((string path, Option option) in options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"'{path} {option.Name}' has no description");
            Assert.Contains("e.g.", option.Description, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("models inspect")]
    [InlineData("evaluate")]
    [InlineData("evaluate merge")]
    [InlineData("evaluate compare")]
    public async Task Help_EveryCommand_ExitsZeroAndShowsExamples(string command)
    {
        CliRun run = await CliRun.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Examples:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"skinsam {command}", run.Stdout, StringComparison.Ordinal);
        run.AssertClean(command);
    }

    private static IEnumerable<(string Path, Option Option)> AllOptions()
    {
        RootCommand root = CliApplication.CreateRootCommand(new CliOutput(TextWriter.Null, TextWriter.Null, Interactive: false));
        foreach ((string path, Command command) in Commands(root, string.Empty))
        {
            if (command.Action is null)
            {
                continue; // a group such as 'models': only its subcommands run
            }

            foreach (Option option in command.Options.Where(o => o is not HelpOption and not VersionOption))
            {
                yield return (path, option);
            }
        }
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (Command sub in command.Subcommands)
        {
            string subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Commands(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The arguments without <paramref name="option"/> and its value, so the option under test is given once.</summary>
    private static List<string> WithoutOption(string[] args, string option)
    {
        var result = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == option)
            {
                i++;
                continue;
            }

            result.Add(args[i]);
        }

        return result;
    }

    private static Option OptionOf(string command, string name) => AllOptions().Single(o => o.Path == command && o.Option.Name == name).Option;

    /// <summary>Arguments that make the command valid apart from the option under test.</summary>
    private string[] ValidArguments(string command) => command switch
    {
        "segment" => [CliRun.Image, "--box", "20,15,140,105", "--model", CliRun.Model, "--out", Path.Combine(_work, "out")],
        "models inspect" => [CliRun.Model],
        "evaluate" => ["--data", Path.Combine(_work, "data"), "--baseline", "box", "--prompt", "box", "--out", Path.Combine(_work, "out")],
        "evaluate merge" or "evaluate compare" => [Path.Combine(_work, "run"), "--out", Path.Combine(_work, "out")],
        _ => throw new ArgumentException($"Expected a known command; got '{command}'. Add its valid arguments here.", nameof(command)),
    };
}
