using System.Text.Json;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Cli;

/// <summary>
/// Reads <c>segment --prompts FILE.jsonl</c>: one JSON object per line,
/// <c>{"image": "lesion.jpg", "boxes": [[x0,y0,x1,y1], ...], "points": [[x,y], [x,y,label], ...]}</c>.
/// <c>image</c> is required (relative paths are relative to the prompts file's folder); <c>boxes</c> and <c>points</c>
/// are optional, in image pixels; label 1 = lesion (default), 0 = background. Each box gives one mask; points go with
/// at most one box; neither means the model's no-prompt mode. Blank lines are ignored; any other key is an error.
/// </summary>
internal static class PromptsFile
{
    /// <summary>The keys a line may have.</summary>
    public static readonly string[] Keys = ["image", "boxes", "points"];

    /// <summary>Reads every line; the whole file is checked before anything runs.</summary>
    /// <param name="path">The .jsonl file.</param>
    /// <returns>One job per line.</returns>
    /// <exception cref="CliUsageException">The file is missing or a line is malformed (named as FILE:LINE).</exception>
    public static IReadOnlyList<SegmentJob> Read(string path)
    {
        string[] lines;
        try
        {
            if (Directory.Exists(path))
            {
                throw new IOException("it is a folder");
            }

            InputFiles.RequireReadableImage(path); // the same refusal of pipes and devices; an empty file is refused below anyway
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--prompts: expected a readable JSON Lines file; got '{path}': {ex.Message}");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var jobs = new List<SegmentJob>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            string where = $"{path}:{i + 1}";
            try
            {
                jobs.Add(ParseLine(lines[i], folder, where));
            }
            catch (JsonException ex)
            {
                throw new CliUsageException($"{where}: expected a JSON object such as {{\"image\": \"x.jpg\", \"boxes\": [[10,10,90,90]]}}; got invalid JSON ({ex.Message})");
            }
        }

        if (jobs.Count == 0)
        {
            throw new CliUsageException($"--prompts: expected at least one line with an image; got none in '{path}'.");
        }

        return jobs;
    }

    private static SegmentJob ParseLine(string line, string folder, string where)
    {
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CliUsageException($"{where}: expected a JSON object; got a {root.ValueKind}.");
        }

        string? image = null;
        var boxes = new List<PromptBox>();
        var points = new List<PromptPoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new CliUsageException($"{where}: expected each key once; got \"{property.Name}\" twice.");
            }

            switch (property.Name)
            {
                case "image":
                    image = property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString())
                        ? property.Value.GetString()
                        : throw new CliUsageException($"{where}: expected \"image\" to be a non-empty path string; got {property.Value.GetRawText()}.");
                    break;
                case "boxes":
                    foreach (float[] v in NumberLists(property.Value, where, "boxes"))
                    {
                        boxes.Add(v.Length == 4 && v[0] < v[2] && v[1] < v[3]
                            ? new PromptBox(v[0], v[1], v[2], v[3])
                            : throw new CliUsageException($"{where}: expected each box as [x0,y0,x1,y1] with x0 < x1 and y0 < y1; got [{string.Join(",", v)}]."));
                    }

                    break;
                case "points":
                    foreach (float[] v in NumberLists(property.Value, where, "points"))
                    {
                        points.Add(v.Length switch
                        {
                            2 => new PromptPoint(v[0], v[1], PointLabel.Positive),
                            3 when v[2] == 1 => new PromptPoint(v[0], v[1], PointLabel.Positive),
                            3 when v[2] == 0 => new PromptPoint(v[0], v[1], PointLabel.Negative),
                            3 => throw new CliUsageException($"{where}: expected a point label 1 (lesion) or 0 (background); got {v[2]}."),
                            _ => throw new CliUsageException($"{where}: expected each point as [x,y] or [x,y,label]; got {v.Length} number(s)."),
                        });
                    }

                    break;
                default:
                    throw new CliUsageException($"{where}: expected only the keys {string.Join(", ", Keys)}; got \"{property.Name}\".");
            }
        }

        if (image is null)
        {
            throw new CliUsageException($"{where}: expected an \"image\" path; got none.");
        }

        string full = Path.IsPathRooted(image) ? image : Path.Combine(folder, image);
        if (Directory.Exists(full) || !File.Exists(full))
        {
            throw new CliUsageException($"{where}: expected \"image\" to be an image file; got '{image}', which {(Directory.Exists(full) ? "is a folder" : "does not exist")}.");
        }

        if (OutputNames.IsOwnOutput(full))
        {
            throw new CliUsageException($"{where}: expected an image to segment; got '{image}', which is named like a skinsam output.");
        }

        return new SegmentJob(full, SegmentJob.CombinePrompts(boxes, points, where));
    }

    private static IEnumerable<float[]> NumberLists(JsonElement value, string where, string key)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new CliUsageException($"{where}: expected \"{key}\" to be an array of number arrays; got {value.ValueKind}.");
        }

        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array)
            {
                throw new CliUsageException($"{where}: expected each of \"{key}\" to be an array of numbers; got {item.GetRawText()}.");
            }

            var numbers = new List<float>();
            foreach (JsonElement n in item.EnumerateArray())
            {
                if (n.ValueKind != JsonValueKind.Number || !n.TryGetSingle(out float f) || !float.IsFinite(f))
                {
                    throw new CliUsageException($"{where}: expected finite numbers in \"{key}\"; got {n.GetRawText()}.");
                }

                numbers.Add(f);
            }

            yield return [.. numbers];
        }
    }
}
