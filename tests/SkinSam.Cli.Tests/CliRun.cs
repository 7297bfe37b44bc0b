using System.Text.RegularExpressions;

namespace SkinSam.Cli.Tests;

/// <summary>One in-process run of the CLI: its exit code and what it wrote.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
internal sealed partial record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Generous: a run that hangs (a pipe opened for reading, say) fails the test instead of the test run.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);

    /// <summary>The fixture model (tiny SAM v1 export, real ONNX Runtime sessions).</summary>
    public static string Model => Path.Combine(AppContext.BaseDirectory, "fixtures", "sam-tiny");

    /// <summary>A real dermoscopic image (samples/images, see ATTRIBUTION.md there).</summary>
    public static string Image => Path.Combine(AppContext.BaseDirectory, "images", "ISIC_0025964.jpg");

    /// <summary>A second real image.</summary>
    public static string OtherImage => Path.Combine(AppContext.BaseDirectory, "images", "ISIC_0029149.jpg");

    /// <summary>Everything written.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>Runs the CLI in-process.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The run.</returns>
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var guard = new CancellationTokenSource(Guard);
        Task<int> run = CliApplication.RunAsync(args, stdout, stderr, CancellationToken.None);
        Task done = await Task.WhenAny(run, Task.Delay(Guard, guard.Token));
        if (done != run)
        {
            throw new TimeoutException($"skinsam {string.Join(' ', args)} did not finish within {Guard}; stderr so far: {stderr}");
        }

        await guard.CancelAsync();
        return new CliRun(await run, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts no stack trace or exception type name in the output, and every stderr line is an error/warning/note or a usage hint.</summary>
    /// <param name="context">Names the case in failures.</param>
    public void AssertClean(string context)
    {
        Assert.False(StackFrame().IsMatch(Output), $"{context}: stack trace in output:\n{Output}");
        Assert.False(ExceptionTypeName().IsMatch(Output), $"{context}: exception type name in output:\n{Output}");
        foreach (string line in Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.True(
                line.StartsWith("error: ", StringComparison.Ordinal) || line.StartsWith("warning: ", StringComparison.Ordinal) || line.StartsWith("note: ", StringComparison.Ordinal)
                || line.StartsWith("Run 'skinsam", StringComparison.Ordinal) || line.StartsWith("records so far", StringComparison.Ordinal) || line.StartsWith("the run stopped", StringComparison.Ordinal),
                $"{context}: unexpected stderr line '{line}' in:\n{Stderr}");
        }
    }

    /// <summary>Asserts the exit code and a clean output, showing both streams on failure.</summary>
    /// <param name="expected">The expected exit code.</param>
    /// <param name="context">Names the case in failures.</param>
    public void AssertExit(int expected, string context)
    {
        Assert.True(ExitCode == expected, $"{context}: expected exit {expected}; got {ExitCode}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        AssertClean(context);
        if (expected != 0)
        {
            Assert.Contains("error: ", Stderr, StringComparison.Ordinal);
        }

        if (expected == 2)
        {
            Assert.Contains("--help' for usage.", Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Options:", Output, StringComparison.Ordinal); // a short hint, not the whole help
        }
    }

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"\b(System|SkinSam|Microsoft)\.[\w.]*Exception\b|Unhandled exception")]
    private static partial Regex ExceptionTypeName();
}
