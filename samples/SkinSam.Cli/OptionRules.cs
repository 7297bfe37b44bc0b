using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SkinSam.Cli;

/// <summary>
/// Validation of option values at parse time, so that every invalid value is a parse error: one <c>error:</c> line
/// naming the option, exit code 2, before anything is loaded or written.
/// </summary>
internal static class OptionRules
{
    /// <summary>Refuses an empty or blank value, or one with a NUL character, for every option and argument of the tree (e.g. <c>--out ""</c>).</summary>
    /// <param name="command">The root of the tree.</param>
    public static void RefuseEmptyValues(Command command)
    {
        foreach (Option option in command.Options)
        {
            option.Validators.Add(r =>
            {
                if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    r.AddError($"{option.Name}: expected a value; got an empty one.");
                }
                else if (r.Tokens.Any(t => t.Value.Contains('\0', StringComparison.Ordinal)))
                {
                    r.AddError($"{option.Name}: expected a value without NUL characters; got one with.");
                }
            });
        }

        foreach (Argument argument in command.Arguments)
        {
            argument.Validators.Add(r =>
            {
                if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    r.AddError($"{argument.Name}: expected a path; got an empty one.");
                }
                else if (r.Tokens.Any(t => t.Value.Contains('\0', StringComparison.Ordinal)))
                {
                    r.AddError($"{argument.Name}: expected a path without NUL characters; got one with.");
                }
            });
        }

        foreach (Command sub in command.Subcommands)
        {
            RefuseEmptyValues(sub);
        }
    }

    /// <summary>Accepts only <paramref name="min"/> to <paramref name="max"/> (inclusive).</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    public static void InRange(Option<int> option, int min, int max) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && TryGetValue(r, out int v) && (v < min || v > max))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name}: expected a whole number from {min} to {max}; got {v}."));
            }
        });

    /// <summary>Accepts only finite values from <paramref name="min"/> to <paramref name="max"/> (inclusive).</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    public static void InRange(Option<double> option, double min, double max) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && TryGetValue(r, out double v) && !(double.IsFinite(v) && v >= min && v <= max))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name}: expected a number from {min} to {max}; got {v}."));
            }
        });

    /// <summary>Accepts null (option absent) or <paramref name="min"/> to <paramref name="max"/> (inclusive).</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    public static void InRange(Option<int?> option, int min, int max) =>
        option.Validators.Add(r =>
        {
            if (TryGetValue(r, out int? value) && value is int v && (v < min || v > max))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name}: expected a whole number from {min} to {max}; got {v}."));
            }
        });

    /// <summary>Accepts a value only when <paramref name="check"/> does not throw a <see cref="FormatException"/> or <see cref="ArgumentException"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="check">Parses the value; throws on an invalid one with a message saying what was expected.</param>
    public static void ParsesWith(Option option, Action<string> check) =>
        option.Validators.Add(r =>
        {
            foreach (Token token in r.Tokens)
            {
                if (string.IsNullOrWhiteSpace(token.Value))
                {
                    continue; // reported by RefuseEmptyValues
                }

                try
                {
                    check(token.Value);
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
                {
                    r.AddError(ex.Message.StartsWith(option.Name, StringComparison.Ordinal) ? ex.Message : $"{option.Name}: {ex.Message}");
                }
            }
        });

    /// <summary>
    /// A parser for an enum option that accepts the member names only (any case), not numbers: <c>Enum.Parse</c> would
    /// take <c>--selection 7</c> as an undefined member.
    /// </summary>
    /// <typeparam name="T">The enum.</typeparam>
    /// <param name="result">The argument's tokens.</param>
    /// <returns>The value; default with an error added when the token is not a member name.</returns>
    public static T NamedEnum<T>(ArgumentResult result)
        where T : struct, Enum
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        string[] names = Enum.GetNames<T>();
        string? match = names.FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            string option = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
            result.AddError($"{option}: expected one of {string.Join(", ", names)}; got '{text}'.");
            return default;
        }

        return Enum.Parse<T>(match);
    }

    /// <summary>The option's value; false when it does not convert (the parser reports that error itself).</summary>
    private static bool TryGetValue<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
