using SkinSam.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the run (exit 130 once the current image is abandoned); a second one kills the process.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
return await CliApplication.RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
