using System.CommandLine;
using System.CommandLine.Parsing;
using SkinSam.Cli.Commands;
using SkinSam.Sdk;

namespace SkinSam.Cli;

/// <summary>
/// The <c>skinsam</c> command line as a callable: parses, validates, runs a command and maps every failure to one
/// <c>error:</c> line and an exit code of <see cref="ExitCodes"/>. Never lets an exception (or its stack trace) out.
/// </summary>
internal static class CliApplication
{
    /// <summary>The name shown in usage hints.</summary>
    public const string ToolName = "skinsam";

    /// <summary>Builds the command tree writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where the commands write.</param>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRootCommand(CliOutput output)
    {
        var root = new RootCommand("skinsam: skin-lesion segmentation with Segment Anything (SAM) family models on ONNX Runtime.");
        root.Subcommands.Add(SegmentCommand.Create(output));
        root.Subcommands.Add(ModelsCommand.Create(output));
        root.Subcommands.Add(EvaluateCommand.Create(output));
        OptionRules.RefuseEmptyValues(root);
        return root;
    }

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments (without the program name).</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="cancellationToken">Cancels the command (exit code 130).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var output = new CliOutput(stdout, stderr, Interactive: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
        ParseResult? parse = null;
        try
        {
            RootCommand root = CreateRootCommand(output);
            parse = root.Parse(args);
            List<string> errors = [.. parse.Errors.Select(e => e.Message)];
            if (errors.Count > 0)
            {
                foreach (string message in errors.Distinct(StringComparer.Ordinal))
                {
                    output.Fail(message);
                }

                stderr.WriteLine(UsageHint(parse));
                return ExitCodes.UsageError;
            }

            var configuration = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Program.cs owns Ctrl+C; in-process callers pass their own token.
            };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Fail("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (CliUsageException ex)
        {
            output.Fail(ex.Message);
            stderr.WriteLine(UsageHint(parse));
            return ExitCodes.UsageError;
        }
        catch (FormatException ex)
        {
            // Text from the command line (an option value, a prompt) in the wrong form, found by a command rather than
            // by the parser: still a usage error.
            output.Fail(OneLine(ex));
            stderr.WriteLine(UsageHint(parse));
            return ExitCodes.UsageError;
        }
        catch (Exception ex) when (ex is ModelLoadException or ExecutionProviderException)
        {
            output.Fail(ex.Message);
            return ExitCodes.ModelError;
        }
        catch (Exception ex)
        {
            // A failure no command foresaw: still one line, never a stack trace. Exit 1 ("not everything was done").
            output.Fail(OneLine(ex));
            return ExitCodes.PartialFailure;
        }
    }

    /// <summary>The short hint printed after a usage error, naming the command's help.</summary>
    /// <param name="parse">The parse result, or null when parsing itself failed.</param>
    /// <returns>E.g. <c>Run 'skinsam segment --help' for usage.</c></returns>
    public static string UsageHint(ParseResult? parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse?.CommandResult; r is not null; r = r.Parent)
        {
            if (r is CommandResult { Command: not RootCommand } c)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return $"Run '{string.Join(' ', [ToolName, .. names])} --help' for usage.";
    }

    /// <summary>An exception's message on one line, with the messages of inner exceptions that add something.</summary>
    /// <param name="ex">The exception.</param>
    /// <returns>The text.</returns>
    public static string OneLine(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string text = ex.Message;
        for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal))
            {
                text += $" ({inner.Message})";
            }
        }

        return text.ReplaceLineEndings(" ");
    }
}
