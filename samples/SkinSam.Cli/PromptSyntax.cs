using System.Globalization;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Cli;

/// <summary>Parses the prompt options of the command line.</summary>
internal static class PromptSyntax
{
    /// <summary>Parses <c>x0,y0,x1,y1</c>.</summary>
    public static PromptBox ParseBox(string text)
    {
        float[] v = ParseNumbers(text, "--box", "x0,y0,x1,y1");
        if (v.Length != 4)
        {
            throw new FormatException($"--box: expected 4 numbers x0,y0,x1,y1; got {v.Length} in '{text}'.");
        }

        if (!(v[0] < v[2] && v[1] < v[3]))
        {
            throw new FormatException($"--box: expected x0 < x1 and y0 < y1 (top-left corner first); got '{text}'.");
        }

        return new PromptBox(v[0], v[1], v[2], v[3]);
    }

    /// <summary>Parses <c>x,y</c> or <c>x,y,label</c> with label 1 (positive) or 0 (negative).</summary>
    public static PromptPoint ParsePoint(string text)
    {
        float[] v = ParseNumbers(text, "--point", "x,y[,label]");
        if (v.Length is not (2 or 3))
        {
            throw new FormatException($"--point: expected x,y or x,y,label; got {v.Length} numbers in '{text}'.");
        }

        PointLabel label = PointLabel.Positive;
        if (v.Length == 3)
        {
            label = v[2] switch
            {
                1 => PointLabel.Positive,
                0 => PointLabel.Negative,
                _ => throw new FormatException($"--point: expected label 1 (lesion) or 0 (background); got {v[2].ToString(CultureInfo.InvariantCulture)} in '{text}'."),
            };
        }

        return new PromptPoint(v[0], v[1], label);
    }

    private static float[] ParseNumbers(string text, string option, string form)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new FormatException($"{option}: expected {form} with finite numbers; got '{parts[i]}' in '{text}'.");
            }
        }

        return values;
    }
}
