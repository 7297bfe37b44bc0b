using SkinSam.Sdk.Evaluation.Reports;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// Combines the records of several runs of the same model, data set, prompt and seed (typically the shards of one
/// evaluation) into one output folder with one report, as if one run had evaluated every image.
/// </summary>
public static class EvaluationMerge
{
    /// <summary>Merges run folders.</summary>
    /// <param name="inputFolders">Output folders of earlier runs, each with <c>run.json</c> and <c>records.jsonl</c>.</param>
    /// <param name="outputFolder">The folder to write; may not be one of the inputs.</param>
    /// <param name="bootstrap">The bootstrap options; null for the defaults.</param>
    /// <param name="exampleCount">Best and worst cases to draw; -1 for no plots.</param>
    /// <returns>The merged run.</returns>
    /// <exception cref="EvaluationOutputException">
    /// A folder is not a run, runs differ in model, data set, prompt or seed, an id has different results in two runs,
    /// or the runs are shards (<c>k/N</c>) but not every shard of N once.
    /// </exception>
    public static EvaluationRun Merge(IReadOnlyList<string> inputFolders, string outputFolder, BootstrapOptions? bootstrap = null, int exampleCount = 3)
    {
        ArgumentNullException.ThrowIfNull(inputFolders);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        if (inputFolders.Count == 0)
        {
            throw new ArgumentException("Expected at least one run folder to merge; got none.", nameof(inputFolders));
        }

        string outFull = Path.GetFullPath(outputFolder).TrimEnd(Path.DirectorySeparatorChar);
        RunDescription? first = null;
        var merged = new SortedDictionary<string, EvaluationRecord>(StringComparer.Ordinal);
        var shards = new List<(string Folder, string? Shard)>();
        foreach (string folder in inputFolders)
        {
            if (string.Equals(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar), outFull, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an output folder other than the inputs; got '{outputFolder}' among them.", nameof(outputFolder));
            }

            RunDescription description = RunDescription.Read(folder)
                ?? throw new EvaluationOutputException($"{Path.Combine(folder, RunDescription.FileName)}: expected the run description of an evaluation; got no such file.");
            if (first is null)
            {
                first = description;
            }
            else
            {
                first.RequireCompatible(description, folder);
            }

            shards.Add((folder, description.Shard));

            foreach (EvaluationRecord record in RecordsFile.Read(Path.Combine(folder, RecordsFile.FileName)))
            {
                if (merged.TryGetValue(record.ImageId, out EvaluationRecord? existing)
                    && (existing.TruePositives != record.TruePositives || existing.FalsePositives != record.FalsePositives
                        || existing.FalseNegatives != record.FalseNegatives || existing.TrueNegatives != record.TrueNegatives))
                {
                    throw new EvaluationOutputException($"{folder}: expected image {record.ImageId} to have the same result in every run; got different confusion counts than in an earlier folder.");
                }

                merged[record.ImageId] = record;
            }
        }

        ShardSet.RequireComplete(shards);
        RunDescription result = first! with { Shard = null };
        Directory.CreateDirectory(outputFolder);
        result.Write(outputFolder);
        List<EvaluationRecord> records = [.. merged.Values];
        RecordsFile.WriteAll(Path.Combine(outputFolder, RecordsFile.FileName), records);
        EvaluationReport report = EvaluationReport.Create(result, records, bootstrap ?? BootstrapOptions.Default);
        ReportWriter.WriteAll(outputFolder, [report], exampleCount);
        return new EvaluationRun(outputFolder, result, records, report, 0);
    }
}
