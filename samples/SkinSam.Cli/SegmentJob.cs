using SkinSam.Sdk.Prompts;

namespace SkinSam.Cli;

/// <summary>One image to segment and its prompts: one mask per prompt (one per box when several boxes are given).</summary>
/// <param name="Image">The image file.</param>
/// <param name="Prompts">At least one prompt; <see cref="SegmentationPrompt.None"/> for the model's no-prompt mode.</param>
internal sealed record SegmentJob(string Image, IReadOnlyList<SegmentationPrompt> Prompts)
{
    /// <summary>The prompts of the command line: one per box (points only with at most one box), or points alone, or none.</summary>
    /// <param name="boxes">The boxes.</param>
    /// <param name="points">The points.</param>
    /// <param name="where">Names the source in errors, e.g. <c>--box/--point</c> or <c>prompts.jsonl:3</c>.</param>
    /// <returns>The prompts.</returns>
    /// <exception cref="CliUsageException">Points together with several boxes.</exception>
    public static IReadOnlyList<SegmentationPrompt> CombinePrompts(IReadOnlyList<PromptBox> boxes, IReadOnlyList<PromptPoint> points, string where)
    {
        if (boxes.Count > 1 && points.Count > 0)
        {
            throw new CliUsageException($"{where}: expected points with at most one box (which box would they refine?); got {points.Count} point(s) and {boxes.Count} boxes. Give each box its own line in --prompts instead.");
        }

        if (boxes.Count == 0)
        {
            return [points.Count == 0 ? SegmentationPrompt.None : new SegmentationPrompt { Points = [.. points] }];
        }

        return [.. boxes.Select(b => new SegmentationPrompt { Box = b, Points = [.. points] })];
    }
}
