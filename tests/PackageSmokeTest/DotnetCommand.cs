using System.Diagnostics;
using System.Text;

namespace SkinSam.Sdk.PackageSmokeTest;

/// <summary>Runs the <c>dotnet</c> CLI as a child process with a clean MSBuild environment and captures its output.</summary>
internal static class DotnetCommand
{
    /// <summary>The dotnet host running this test (the SDK's, under 'dotnet test'), else the one on the PATH.</summary>
    public static string HostPath => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgram(HostPath, workingDirectory, timeout, arguments);

    /// <summary>Runs any program (an installed tool's command, for one) with the same clean environment.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) RunProgram(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The test host runs inside 'dotnet test'; its MSBuild variables would point the child build at the wrong MSBuild.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        // An installed tool's command is an app host: point it at the runtime of the host running the test.
        if (Path.IsPathRooted(HostPath) && Path.GetDirectoryName(HostPath) is { } dotnetRoot)
        {
            info.Environment["DOTNET_ROOT"] = dotnetRoot;
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"timed out after {timeout}: {program} {string.Join(' ', arguments)}\n{Snapshot(output)}", stopwatch.Elapsed);
        }

        process.WaitForExit();
        return (process.ExitCode, Snapshot(output), stopwatch.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
