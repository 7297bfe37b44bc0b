using System.Text;
using System.Text.Json;
using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// <c>skipped.jsonl</c>: the samples a run skipped, one JSON object per line, sorted by id, rewritten atomically at the
/// end of each run. Skipped samples are not records, so a rerun into the same folder tries them again (after a fix,
/// they are evaluated; still unusable, they are listed again).
/// </summary>
public static class SkippedSamplesFile
{
    /// <summary>The file name in an output folder.</summary>
    public const string FileName = "skipped.jsonl";

    /// <summary>Writes the list (sorted by id); with an empty list removes an older file, so the folder tells the truth.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="skipped">The skipped samples.</param>
    public static void Write(string folder, IReadOnlyList<SkippedSample> skipped)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(skipped);
        string path = Path.Combine(folder, FileName);
        if (skipped.Count == 0)
        {
            File.Delete(path);
            return;
        }

        var text = new StringBuilder();
        foreach (SkippedSample s in skipped.OrderBy(s => s.ImageId, StringComparer.Ordinal))
        {
            text.Append(JsonSerializer.Serialize(s, RecordsFile.JsonOptions)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads the list of a folder; none when the file is missing.</summary>
    /// <param name="folder">The output folder.</param>
    /// <returns>The skipped samples in file order.</returns>
    /// <exception cref="EvaluationOutputException">A line is not a skipped sample.</exception>
    public static IReadOnlyList<SkippedSample> Read(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var list = new List<SkippedSample>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                list.Add(JsonSerializer.Deserialize<SkippedSample>(lines[i], RecordsFile.JsonOptions)
                    ?? throw new JsonException("null"));
            }
            catch (JsonException ex)
            {
                throw new EvaluationOutputException($"{path}:{i + 1}: expected a skipped sample (image_id, problem, reason); got invalid JSON: {ex.Message}", ex);
            }
        }

        return list;
    }
}
