namespace SkinSam.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, errors, warnings and notes to <see cref="Error"/>.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Interactive">True when stdout is a terminal, so a live progress bar may be drawn.</param>
internal sealed record CliOutput(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Writes <c>error: message</c> to standard error.</summary>
    /// <param name="message">The message.</param>
    public void Fail(string message) => Error.WriteLine($"error: {message}");

    /// <summary>Writes <c>warning: message</c> to standard error.</summary>
    /// <param name="message">The message.</param>
    public void Warn(string message) => Error.WriteLine($"warning: {message}");
}
