namespace SkinSam.Cli;

/// <summary>Process exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>Some inputs failed (each is reported); the others were processed. Also: an evaluation stopped at a sample.</summary>
    public const int PartialFailure = 1;

    /// <summary>
    /// The command line is wrong: unknown command or option, an invalid option value, bad prompt syntax, no or missing
    /// inputs, colliding output names, an <c>--out</c> that cannot be used.
    /// </summary>
    public const int UsageError = 2;

    /// <summary>The model folder could not be loaded (missing files, contract mismatch, provider unavailable).</summary>
    public const int ModelError = 3;

    /// <summary>Cancelled by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
