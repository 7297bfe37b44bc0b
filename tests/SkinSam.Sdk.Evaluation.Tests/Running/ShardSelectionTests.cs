using SkinSam.Sdk.Evaluation.Running;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

public sealed class ShardSelectionTests
{
    [Fact]
    public void Parse_KOverN_IgnoresTheEnvironment()
    {
        Assert.Equal(new Shard(1, 4), ShardSelection.Parse("1/4", Env(("JOB_COMPLETION_INDEX", "3"), ("SKINSAM_SHARD_COUNT", "8"))));
    }

    [Fact]
    public void Parse_NeitherKOverNNorAuto_ThrowsNamingBothForms()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.Parse("first", Env()));

        Assert.Contains("k/N with 0 <= k < N (e.g. 0/4) or 'auto'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 'first'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AutoInKubernetesIndexedJob_TakesCompletionIndexAndShardCount()
    {
        Assert.Equal(new Shard(2, 4), ShardSelection.Parse("auto", Env(("JOB_COMPLETION_INDEX", "2"), ("SKINSAM_SHARD_COUNT", "4"))));
        Assert.Equal(new Shard(0, 3), ShardSelection.Parse(" AUTO ", Env(("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "3"))));
        Assert.Equal(new Shard(3, 5), ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "3"), ("SKINSAM_SHARD_COUNT", "5"), ("JOB_COMPLETIONS", "5"))));
    }

    [Fact]
    public void FromEnvironment_KubernetesIndexWithoutCount_ThrowsNamingTheVariableToSet()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "1"))));

        Assert.Contains("JOB_COMPLETION_INDEX=1 is set, but not the number of shards: expected SKINSAM_SHARD_COUNT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.completions; got neither", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_KubernetesCountsDisagree_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "1"), ("SKINSAM_SHARD_COUNT", "4"), ("JOB_COMPLETIONS", "8"))));

        Assert.Contains("expected SKINSAM_SHARD_COUNT and JOB_COMPLETIONS to agree; got 4 and 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_KubernetesIndexNotBelowCount_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "4"), ("SKINSAM_SHARD_COUNT", "4"))));

        Assert.Contains("expected a shard index below the count; got index 4 from JOB_COMPLETION_INDEX=4 with SKINSAM_SHARD_COUNT=4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SKINSAM_SHARD_COUNT", "four")]
    [InlineData("JOB_COMPLETION_INDEX", "-1")]
    [InlineData("JOB_COMPLETION_INDEX", "1.5")]
    public void FromEnvironment_NotAWholeNumber_ThrowsNamingTheVariable(string name, string value)
    {
        Func<string, string?> env = Env(("JOB_COMPLETION_INDEX", "1"), ("SKINSAM_SHARD_COUNT", "4"));
        Func<string, string?> changed = n => n == name ? value : env(n);

        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(changed));

        Assert.Contains($"expected {name} to be a whole number; got '{value}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ZeroShards_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "0"), ("SKINSAM_SHARD_COUNT", "0"))));

        Assert.Contains("expected at least 1 shard; got SKINSAM_SHARD_COUNT=0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "4", "0", "3", null, 0)] // --array=0-3
    [InlineData("4", "4", "1", "4", null, 3)] // --array=1-4: ids start at 1
    [InlineData("14", "4", "10", "16", "2", 2)] // --array=10-16:2
    [InlineData("7", "8", "0", null, null, 7)] // no SLURM_ARRAY_TASK_MAX: not checked
    public void FromEnvironment_SlurmArray_IndexIsOffsetFromTheLowestTaskId(string id, string count, string min, string? max, string? step, int expected)
    {
        Shard shard = ShardSelection.FromEnvironment(Env(
            ("SLURM_ARRAY_TASK_ID", id), ("SLURM_ARRAY_TASK_COUNT", count), ("SLURM_ARRAY_TASK_MIN", min), ("SLURM_ARRAY_TASK_MAX", max), ("SLURM_ARRAY_TASK_STEP", step)));

        Assert.Equal(new Shard(expected, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)), shard);
    }

    [Fact]
    public void FromEnvironment_SlurmArrayList_ThrowsExpectedConsecutiveIds()
    {
        // sbatch --array=1,5,9
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(
            ("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "9"))));

        Assert.Contains("expected a job array of consecutive ids (sbatch --array=MIN-MAX[:STEP])", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got MIN 1, MAX 9, COUNT 3, step 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SlurmIdWithoutCount_ThrowsNamingTheMissingVariable()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "0"))));

        Assert.Contains("SLURM_ARRAY_TASK_ID=2 is set, but not SLURM_ARRAY_TASK_COUNT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SlurmIdWithoutMin_ThrowsNamingTheMissingVariable()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))));

        Assert.Contains("got no SLURM_ARRAY_TASK_MIN", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "1")] // below the lowest id
    [InlineData("11", "10")] // between two ids of --array=10-16:2
    public void FromEnvironment_SlurmIdNotOnTheArray_Throws(string id, string min)
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(
            ("SLURM_ARRAY_TASK_ID", id), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", min), ("SLURM_ARRAY_TASK_STEP", min == "10" ? "2" : null))));

        Assert.Contains($"expected SLURM_ARRAY_TASK_ID to be SLURM_ARRAY_TASK_MIN ({min}) plus a multiple of the step", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SlurmCountContradictsShardCount_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(
            ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SKINSAM_SHARD_COUNT", "2"))));

        Assert.Contains("expected SKINSAM_SHARD_COUNT to agree with SLURM_ARRAY_TASK_COUNT; got 2 and 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_BothEngines_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(
            ("JOB_COMPLETION_INDEX", "1"), ("SKINSAM_SHARD_COUNT", "4"), ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"))));

        Assert.Contains("got both JOB_COMPLETION_INDEX=1 (Kubernetes) and SLURM_ARRAY_TASK_ID=1 (Slurm)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NoEngineVariables_ThrowsListingWhatIsExpected()
    {
        var ex = Assert.Throws<FormatException>(() => ShardSelection.FromEnvironment(Env(("SKINSAM_SHARD_COUNT", "4"), ("JOB_COMPLETION_INDEX", "  "))));

        Assert.Contains("expected JOB_COMPLETION_INDEX with SKINSAM_SHARD_COUNT (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got none of them. Outside such an engine, give the shard as k/N.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_EveryShardOfAKubernetesJob_PartitionsTheIds()
    {
        string[] ids = [.. Enumerable.Range(0, 200).Select(i => $"ISIC_{i:D7}")];
        var seen = new List<string>();
        for (int k = 0; k < 4; k++)
        {
            Shard shard = ShardSelection.FromEnvironment(Env(("JOB_COMPLETION_INDEX", k.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("SKINSAM_SHARD_COUNT", "4")));
            seen.AddRange(ids.Where(shard.Contains));
        }

        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables)
    {
        var map = variables.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }
}
