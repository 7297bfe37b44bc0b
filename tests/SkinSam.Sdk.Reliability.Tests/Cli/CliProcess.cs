using System.Diagnostics;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>Runs the built <c>skinsam</c> CLI (samples/SkinSam.Cli's output for this configuration) as a child process with a chosen environment.</summary>
internal static class CliProcess
{
    /// <summary>The variables <c>--shard auto</c> reads; removed from every child's environment unless a test sets them.</summary>
    public static readonly string[] ShardVariables =
    [
        "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "SKINSAM_SHARD_COUNT",
        "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
    ];

    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    /// <summary>The CLI's assembly.</summary>
    public static string Dll
    {
        get
        {
            string root = ReliabilityFixtures.RepositoryRoot;
            string relative = Path.GetRelativePath(Path.Combine(root, "tests", "SkinSam.Sdk.Reliability.Tests"), AppContext.BaseDirectory);
            string dll = Path.Combine(root, "samples", "SkinSam.Cli", relative, "skinsam.dll");
            return File.Exists(dll)
                ? dll
                : throw new FileNotFoundException($"Expected the CLI build output at '{dll}' (the test project builds samples/SkinSam.Cli first); got no such file.", dll);
        }
    }

    /// <summary>Starts <c>skinsam ARGS</c> with the shard variables cleared, then <paramref name="environment"/> set.</summary>
    /// <param name="args">The arguments after the assembly.</param>
    /// <param name="environment">Variables to set.</param>
    /// <returns>The finished run.</returns>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in ShardVariables)
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
            return new Result(process.ExitCode, await stdout.WaitAsync(guard.Token), await stderr.WaitAsync(guard.Token));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skinsam {string.Join(' ', args)} did not finish within {Guard}.");
        }
    }

    /// <summary>A finished CLI run.</summary>
    /// <param name="ExitCode">The exit code.</param>
    /// <param name="Stdout">Standard output.</param>
    /// <param name="Stderr">Standard error.</param>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <inheritdoc/>
        public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
    }
}
