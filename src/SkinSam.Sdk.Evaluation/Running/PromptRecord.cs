using System.Text.Json.Serialization;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>A prompt as written to <c>records.jsonl</c>, in original-image pixels.</summary>
public sealed record PromptRecord
{
    /// <summary>The box [x0, y0, x1, y1], or null.</summary>
    [JsonPropertyName("box")]
    public float[]? Box { get; init; }

    /// <summary>The points as [x, y, label] (label 1 lesion, 0 background); empty when none.</summary>
    [JsonPropertyName("points")]
    public float[][] Points { get; init; } = [];

    /// <summary>The record of a prompt.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The record.</returns>
    public static PromptRecord From(SegmentationPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new PromptRecord
        {
            Box = prompt.Box is { } b ? [b.X0, b.Y0, b.X1, b.Y1] : null,
            Points = [.. prompt.Points.Select(p => new[] { p.X, p.Y, (float)(int)p.Label })],
        };
    }

    /// <summary>The prompt again.</summary>
    /// <returns>The prompt.</returns>
    public SegmentationPrompt ToPrompt() => new()
    {
        Box = Box is { Length: 4 } b ? new PromptBox(b[0], b[1], b[2], b[3]) : null,
        Points = [.. Points.Select(p => new PromptPoint(p[0], p[1], p.Length > 2 && p[2] == 0 ? PointLabel.Negative : PointLabel.Positive))],
    };
}
