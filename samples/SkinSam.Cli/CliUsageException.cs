namespace SkinSam.Cli;

/// <summary>The command line is wrong (a value, a combination of options, an input that does not exist): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
