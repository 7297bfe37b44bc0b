namespace SkinSam.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, errors, warnings and notes to <see cref="Error"/>.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Interactive">True when stdout is a terminal, so a live progress bar may be drawn.</param>
internal sealed record CliOutput(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Writes <c>error: message</c> to standard error.</summary>
    /// <param name="message">The message.</param>
    public void Fail(string message) => Error.WriteLine($"error: {Display(message)}");

    /// <summary>Writes <c>warning: message</c> to standard error.</summary>
    /// <param name="message">The message.</param>
    public void Warn(string message) => Error.WriteLine($"warning: {Display(message)}");

    /// <summary>
    /// Text safe for one line of a terminal: control characters (a newline in a file name, an escape sequence) are
    /// shown escaped (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\x1b</c>), so one message is one line.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The escaped text.</returns>
    public static string Display(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
