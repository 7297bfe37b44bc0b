using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Metrics;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>How an <see cref="EvaluationRunner"/> runs: prompt strategy, parallelism, which images, what it writes.</summary>
public sealed class EvaluationOptions
{
    /// <summary>How prompts are derived from the ground truth. Default: <see cref="PromptStrategy.Box"/>.</summary>
    public PromptStrategy Prompt { get; init; } = PromptStrategy.Box;

    /// <summary>
    /// Images in flight at once, at least 1. Each holds its image, masks and (for SAM) its embedding, so this bounds memory
    /// as well as CPU use. Default: the processor count.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// For a model that reads pixels: overlap reading and decoding the next sample, the model on this one (up to
    /// <see cref="MaxDegreeOfParallelism"/> samples at once) and the metrics and writes of the previous one. The records
    /// are written in id order with the same content as a plain loop over the samples (only their timing differs), and
    /// an unusable sample stops or is skipped exactly where the plain loop would. Default: true. False runs the samples
    /// through a parallel loop instead, whose records land in the order the samples finish (the same order when
    /// <see cref="MaxDegreeOfParallelism"/> is 1). Baselines (which read only file headers and masks) always take the
    /// parallel loop.
    /// </summary>
    public bool Pipelined { get; init; } = true;

    /// <summary>The shard of the data set this run covers. Default: all of it.</summary>
    public Shard Shard { get; init; } = Shard.All;

    /// <summary>Evaluate only the first N images (by id) of the shard; null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Also write each predicted mask to <c>masks/&lt;image_id&gt;.png</c> (0/255, original size).</summary>
    public bool SaveMasks { get; init; }

    /// <summary>Write <c>plots/*.png</c> (Dice distributions, best and worst cases). Default: true.</summary>
    public bool WritePlots { get; init; } = true;

    /// <summary>How many best and how many worst cases to draw as overlays. Default: 3.</summary>
    public int ExampleCount { get; init; } = 3;

    /// <summary>
    /// Record an unusable sample (a missing or wrong-size mask, an undecodable image, an empty ground truth: a
    /// <see cref="Datasets.DatasetException"/>) in <c>skipped.jsonl</c> and the report, with its reason, and go on.
    /// Default: false, so the first such sample stops the run.
    /// </summary>
    public bool SkipInvalid { get; init; }

    /// <summary>How decodes choose their mask; null for the model's defaults.</summary>
    public DecodeOptions? Decode { get; init; }

    /// <summary>The bootstrap of the confidence intervals. Default: 1000 resamples, seed 0, 95 %.</summary>
    public BootstrapOptions Bootstrap { get; init; } = BootstrapOptions.Default;

    /// <summary>Throws one exception naming every invalid option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Prompt is null)
        {
            problems.Add("Prompt: expected a strategy; got null");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            problems.Add($"MaxDegreeOfParallelism: expected 1 or more; got {MaxDegreeOfParallelism}");
        }

        if (Shard.Count < 1 || Shard.Index < 0 || Shard.Index >= Shard.Count)
        {
            problems.Add($"Shard: expected 0 <= k < N; got {Shard.Index}/{Shard.Count}");
        }

        if (Limit is < 1)
        {
            problems.Add($"Limit: expected 1 or more, or null; got {Limit}");
        }

        if (ExampleCount < 0)
        {
            problems.Add($"ExampleCount: expected 0 or more; got {ExampleCount}");
        }

        if (Bootstrap is null)
        {
            problems.Add("Bootstrap: expected options; got null");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid evaluation options: {string.Join("; ", problems)}.");
        }
    }
}
