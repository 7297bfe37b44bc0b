using System.CommandLine;
using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Cli.Commands;

/// <summary>
/// The <c>--shard k/N|auto</c> option of <c>evaluate</c> and <c>segment</c>: one of N disjoint parts of the images by a
/// stable hash of the image id (for <c>segment</c>, the file name without extension, which is the id the data-set
/// readers give the same file), or <c>auto</c> for the part of this Kubernetes Indexed Job pod or Slurm array task
/// (<see cref="ShardSelection"/>; docs/scale-out.md).
/// </summary>
internal static class ShardOptions
{
    private const string Auto =
        "or 'auto' to take k and N from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX and SKINSAM_SHARD_COUNT) or a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN)";

    /// <summary>Gives <c>evaluate</c>'s option its description.</summary>
    /// <param name="option">The option.</param>
    /// <returns>The same option.</returns>
    public static Option<string?> ForEvaluate(Option<string?> option)
    {
        option.Description = $"Evaluate shard k of N (k/N, 0 <= k < N) by a stable hash of the image id, {Auto}; combine the shards' output folders with 'evaluate merge'. E.g. --shard 0/4, --shard auto.";
        return option;
    }

    /// <summary>Creates <c>segment</c>'s option.</summary>
    /// <returns>The option.</returns>
    public static Option<string?> ForSegment() => new("--shard")
    {
        Description = $"Segment only shard k of N of the images (k/N, 0 <= k < N) by a stable hash of the file name without extension, {Auto}. E.g. --shard 1/4, --shard auto.",
    };

    /// <summary>The inputs of one shard, in their order.</summary>
    /// <typeparam name="T">An input: a file, or a job naming one.</typeparam>
    /// <param name="inputs">All inputs.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="imagePath">The image file of an input.</param>
    /// <returns>The inputs whose image's file name without extension is in the shard.</returns>
    public static IReadOnlyList<T> Select<T>(IReadOnlyList<T> inputs, Shard shard, Func<T, string> imagePath) =>
        shard.Count <= 1 ? inputs : [.. inputs.Where(i => shard.Contains(Path.GetFileNameWithoutExtension(imagePath(i))))];

    /// <summary>
    /// For <c>evaluate</c>: when the shard holds none of the selected images (more shards than images, or an unlucky
    /// hash), writes the run's <c>run.json</c> only, an empty run that <c>evaluate merge</c> takes with the others, says
    /// so, and returns true; a pod or task with nothing to do succeeds.
    /// </summary>
    /// <param name="runner">The run.</param>
    /// <param name="shard">Its shard.</param>
    /// <param name="outputFolder">Its output folder.</param>
    /// <param name="log">Where to say so (standard output).</param>
    /// <returns>True when the shard is empty and nothing is left to do.</returns>
    /// <exception cref="SkinSam.Sdk.Evaluation.Datasets.DatasetException">The data set cannot be listed.</exception>
    public static bool WriteEmptyShard(EvaluationRunner runner, Shard shard, string outputFolder, TextWriter log)
    {
        if (shard.Count <= 1 || runner.SelectSamples().Count > 0)
        {
            return false;
        }

        RunDescription description = runner.Description;
        Directory.CreateDirectory(outputFolder);
        RunDescription? previous = RunDescription.Read(outputFolder);
        if (previous is null)
        {
            description.Write(outputFolder);
        }
        else
        {
            previous.RequireCompatible(description, Path.Combine(outputFolder, RunDescription.FileName));
        }

        log.WriteLine($"{description.Label}: shard {shard} holds none of the data set's images; wrote {Path.Combine(outputFolder, RunDescription.FileName)} only, an empty run for 'evaluate merge'.");
        return true;
    }
}
