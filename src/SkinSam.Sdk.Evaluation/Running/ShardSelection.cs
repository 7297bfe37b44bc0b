using System.Globalization;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// Chooses a process's <see cref="Shard"/> from text: <c>k/N</c>, or <c>auto</c> to take it from the environment of
/// the engine that started the process, a Kubernetes Indexed Job or a Slurm job array.
/// </summary>
/// <remarks>
/// <para>
/// Kubernetes sets <c>JOB_COMPLETION_INDEX</c> (0 to completions - 1) in every pod of an Indexed Job but does not pass
/// the number of completions, so the Job's manifest sets <c>SKINSAM_SHARD_COUNT</c> (or <c>JOB_COMPLETIONS</c>) to the
/// same value as <c>spec.completions</c>.
/// </para>
/// <para>
/// Slurm sets <c>SLURM_ARRAY_TASK_ID</c>, <c>SLURM_ARRAY_TASK_COUNT</c>, <c>SLURM_ARRAY_TASK_MIN</c>,
/// <c>SLURM_ARRAY_TASK_MAX</c> and, for a stepped range, <c>SLURM_ARRAY_TASK_STEP</c> in every task of a job array; the
/// shard is (id - min) / step of count, so <c>--array=1-4</c> and <c>--array=0-6:2</c> give shards 0/4 to 3/4 alike.
/// An array given as a list (<c>--array=1,5,9</c>) has no such numbering and is refused.
/// </para>
/// <para>Any variable missing, not a whole number, out of range or contradicting another is an error that names it.</para>
/// </remarks>
public static class ShardSelection
{
    /// <summary>The text that asks for the shard from the environment.</summary>
    public const string Auto = "auto";

    /// <summary>The shard count for a Kubernetes Indexed Job (the Job's <c>spec.completions</c>), set in its manifest.</summary>
    public const string ShardCountVariable = "SKINSAM_SHARD_COUNT";

    /// <summary>Kubernetes' completion index of an Indexed Job's pod.</summary>
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>An alternative name for the count of a Kubernetes Indexed Job, when a manifest sets it.</summary>
    public const string KubernetesCompletionsVariable = "JOB_COMPLETIONS";

    /// <summary>Slurm's task id of a job array task.</summary>
    public const string SlurmTaskIdVariable = "SLURM_ARRAY_TASK_ID";

    /// <summary>Slurm's number of tasks in the job array.</summary>
    public const string SlurmTaskCountVariable = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>Slurm's lowest task id of the job array.</summary>
    public const string SlurmTaskMinVariable = "SLURM_ARRAY_TASK_MIN";

    /// <summary>Slurm's highest task id of the job array.</summary>
    public const string SlurmTaskMaxVariable = "SLURM_ARRAY_TASK_MAX";

    /// <summary>Slurm's step between task ids (absent for a step of 1).</summary>
    public const string SlurmTaskStepVariable = "SLURM_ARRAY_TASK_STEP";

    /// <summary>Parses <c>k/N</c> or <c>auto</c>, reading this process's environment for <c>auto</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="FormatException">Not k/N or auto, or the environment does not define a shard.</exception>
    public static Shard Parse(string text) => Parse(text, Environment.GetEnvironmentVariable);

    /// <summary>Parses <c>k/N</c> or <c>auto</c>, reading the given variables for <c>auto</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="variables">The environment: a variable's value, or null when it is not set.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="FormatException">Not k/N or auto, or the environment does not define a shard.</exception>
    public static Shard Parse(string text, Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        if (!text.Trim().Equals(Auto, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Shard.Parse(text);
            }
            catch (FormatException)
            {
                throw new FormatException($"Expected a shard k/N with 0 <= k < N (e.g. 0/4) or 'auto' (from a Kubernetes Indexed Job or a Slurm job array); got '{text}'.");
            }
        }

        return FromEnvironment(variables);
    }

    /// <summary>The shard of a Kubernetes Indexed Job's pod or of a Slurm job array's task (see the remarks of <see cref="ShardSelection"/>).</summary>
    /// <param name="variables">The environment: a variable's value, or null when it is not set.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="FormatException">Neither engine's variables are set, both are, or they are incomplete or inconsistent.</exception>
    public static Shard FromEnvironment(Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string name) => variables(name) is { } value && value.Trim().Length > 0 ? value.Trim() : null;

        string? kubernetesIndex = Get(KubernetesIndexVariable);
        string? slurmId = Get(SlurmTaskIdVariable);
        if (kubernetesIndex is not null && slurmId is not null)
        {
            throw new FormatException($"shard 'auto': expected the variables of one engine; got both {KubernetesIndexVariable}={kubernetesIndex} (Kubernetes) and {SlurmTaskIdVariable}={slurmId} (Slurm).");
        }

        int? count = WholeNumber(ShardCountVariable, Get(ShardCountVariable));
        if (kubernetesIndex is not null)
        {
            int index = WholeNumber(KubernetesIndexVariable, kubernetesIndex)!.Value;
            int? completions = WholeNumber(KubernetesCompletionsVariable, Get(KubernetesCompletionsVariable));
            if (count is not null && completions is not null && count != completions)
            {
                throw new FormatException($"shard 'auto': expected {ShardCountVariable} and {KubernetesCompletionsVariable} to agree; got {count} and {completions}.");
            }

            int n = count ?? completions
                ?? throw new FormatException($"shard 'auto': {KubernetesIndexVariable}={index} is set, but not the number of shards: expected {ShardCountVariable} (or {KubernetesCompletionsVariable}) set in the Job's manifest to its spec.completions; got neither.");
            return Checked(index, n, $"{KubernetesIndexVariable}={index}", $"{(count is not null ? ShardCountVariable : KubernetesCompletionsVariable)}={n}");
        }

        if (slurmId is not null)
        {
            int id = WholeNumber(SlurmTaskIdVariable, slurmId)!.Value;
            int taskCount = WholeNumber(SlurmTaskCountVariable, Get(SlurmTaskCountVariable))
                ?? throw new FormatException($"shard 'auto': {SlurmTaskIdVariable}={id} is set, but not {SlurmTaskCountVariable}: expected the variables Slurm sets in a job array task (sbatch --array); got no {SlurmTaskCountVariable}.");
            int min = WholeNumber(SlurmTaskMinVariable, Get(SlurmTaskMinVariable))
                ?? throw new FormatException($"shard 'auto': {SlurmTaskIdVariable}={id} is set, but not {SlurmTaskMinVariable}: expected the variables Slurm sets in a job array task (sbatch --array); got no {SlurmTaskMinVariable}.");
            int step = WholeNumber(SlurmTaskStepVariable, Get(SlurmTaskStepVariable)) ?? 1;
            int? max = WholeNumber(SlurmTaskMaxVariable, Get(SlurmTaskMaxVariable));
            if (step < 1)
            {
                throw new FormatException($"shard 'auto': expected {SlurmTaskStepVariable} of at least 1; got {step}.");
            }

            if (count is not null && count != taskCount)
            {
                throw new FormatException($"shard 'auto': expected {ShardCountVariable} to agree with {SlurmTaskCountVariable}; got {count} and {taskCount}.");
            }

            if (max is not null && (long)min + ((long)(taskCount - 1) * step) != max)
            {
                throw new FormatException(
                    $"shard 'auto': expected a job array of consecutive ids (sbatch --array=MIN-MAX[:STEP]), so that {SlurmTaskMaxVariable} = {SlurmTaskMinVariable} + ({SlurmTaskCountVariable} - 1) * step; " +
                    $"got MIN {min}, MAX {max}, COUNT {taskCount}, step {step} (an --array list such as 1,5,9 cannot be numbered as shards).");
            }

            if (id < min || (id - min) % step != 0)
            {
                throw new FormatException($"shard 'auto': expected {SlurmTaskIdVariable} to be {SlurmTaskMinVariable} ({min}) plus a multiple of the step ({step}); got {id}.");
            }

            return Checked((id - min) / step, taskCount, $"{SlurmTaskIdVariable}={id} ({SlurmTaskMinVariable}={min}, step {step})", $"{SlurmTaskCountVariable}={taskCount}");
        }

        throw new FormatException(
            $"shard 'auto': expected {KubernetesIndexVariable} with {ShardCountVariable} (a Kubernetes Indexed Job) or {SlurmTaskIdVariable} with {SlurmTaskCountVariable} and {SlurmTaskMinVariable} (a Slurm job array); " +
            "got none of them. Outside such an engine, give the shard as k/N.");
    }

    private static Shard Checked(int index, int count, string indexSource, string countSource)
    {
        if (count < 1)
        {
            throw new FormatException($"shard 'auto': expected at least 1 shard; got {countSource}.");
        }

        return index < count
            ? new Shard(index, count)
            : throw new FormatException($"shard 'auto': expected a shard index below the count; got index {index} from {indexSource} with {countSource}.");
    }

    private static int? WholeNumber(string name, string? value) =>
        value is null
            ? null
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
                ? number
                : throw new FormatException($"shard 'auto': expected {name} to be a whole number; got '{value}'.");
}
