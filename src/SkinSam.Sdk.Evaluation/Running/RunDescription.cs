using System.Text.Json;
using System.Text.Json.Serialization;
using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// What a run evaluates, kept as <c>run.json</c> in its output folder: a resume or a merge must use the same model,
/// data set, prompt strategy and seed, and is refused otherwise.
/// </summary>
public sealed record RunDescription
{
    /// <summary>The file name in an output folder.</summary>
    public const string FileName = "run.json";

    /// <summary>The model's name.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The data set reader's name.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>The prompt strategy's name.</summary>
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary>The global seed.</summary>
    [JsonPropertyName("seed")]
    public ulong Seed { get; init; }

    /// <summary>The shard as k/N, or null for the whole data set (or a merge).</summary>
    [JsonPropertyName("shard")]
    public string? Shard { get; init; }

    /// <summary>A label for reports: model and prompt.</summary>
    [JsonIgnore]
    public string Label => $"{Model} / {Prompt}";

    /// <summary>Reads a run description, or null when the file does not exist.</summary>
    /// <param name="folder">The output folder.</param>
    /// <returns>The description or null.</returns>
    /// <exception cref="EvaluationOutputException">The file is not valid.</exception>
    public static RunDescription? Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RunDescription>(File.ReadAllText(path))
                ?? throw new EvaluationOutputException($"{path}: expected a run description object; got null.");
        }
        catch (JsonException ex)
        {
            throw new EvaluationOutputException($"{path}: expected a run description (model, dataset, prompt, seed); got invalid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the description atomically.</summary>
    /// <param name="folder">The output folder.</param>
    public void Write(string folder) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>Throws when another run's records cannot be combined with this run's.</summary>
    /// <param name="other">The other run.</param>
    /// <param name="where">The other run's folder, for the message.</param>
    /// <exception cref="EvaluationOutputException">Model, data set, prompt or seed differ.</exception>
    public void RequireCompatible(RunDescription other, string where)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Model != other.Model || Dataset != other.Dataset || Prompt != other.Prompt || Seed != other.Seed)
        {
            throw new EvaluationOutputException(
                $"{where}: expected a run of model '{Model}', data set '{Dataset}', prompt '{Prompt}', seed {Seed}; got model '{other.Model}', data set '{other.Dataset}', prompt '{other.Prompt}', seed {other.Seed}. Use another output folder.");
        }
    }
}
