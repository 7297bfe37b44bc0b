namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// Checks that the runs given to <see cref="EvaluationMerge"/> as shards are every shard of one split, once: a shard
/// missing (a failed pod or task, a count that disagrees with the engine's) or two counts mixed would otherwise give a
/// report on part of the data set that looks whole.
/// </summary>
internal static class ShardSet
{
    /// <summary>Requires the shards of the runs to be 0/N to N-1/N, once each, when every run is a shard.</summary>
    /// <param name="runs">Each run's folder and its recorded shard (<c>k/N</c>, or null for a run of the whole selection).</param>
    /// <exception cref="EvaluationOutputException">Shards of different counts, a shard twice, or a shard missing.</exception>
    public static void RequireComplete(IReadOnlyList<(string Folder, string? Shard)> runs)
    {
        if (runs.Count == 0 || runs.Any(r => r.Shard is null))
        {
            return; // runs of whole selections (e.g. split by --ids) are merged as they are
        }

        var shards = new List<(string Folder, Shard Shard)>();
        foreach ((string folder, string? text) in runs)
        {
            try
            {
                shards.Add((folder, Shard.Parse(text!)));
            }
            catch (FormatException)
            {
                throw new EvaluationOutputException($"{Path.Combine(folder, RunDescription.FileName)}: expected a shard k/N; got '{text}'.");
            }
        }

        int count = shards[0].Shard.Count;
        if (shards.FirstOrDefault(s => s.Shard.Count != count) is { Folder: not null } other)
        {
            throw new EvaluationOutputException($"{other.Folder}: expected every run to be a shard of {count} (as {shards[0].Folder} is); got shard {other.Shard}.");
        }

        var seen = new Dictionary<int, string>();
        foreach ((string folder, Shard shard) in shards)
        {
            if (!seen.TryAdd(shard.Index, folder))
            {
                throw new EvaluationOutputException($"{folder}: expected each shard once; got shard {shard} also in {seen[shard.Index]}.");
            }
        }

        int[] missing = [.. Enumerable.Range(0, count).Where(k => !seen.ContainsKey(k))];
        if (missing.Length > 0)
        {
            throw new EvaluationOutputException(
                $"expected every shard 0/{count} to {count - 1}/{count} to merge; got {seen.Count}, missing {string.Join(", ", missing.Take(8).Select(k => $"{k}/{count}"))}{(missing.Length > 8 ? ", ..." : string.Empty)} " +
                "(a shard that failed, or a shard count that differs from the number of pods or tasks).");
        }
    }
}
