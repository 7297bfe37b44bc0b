using SkinSam.Sdk.Evaluation.Reports;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>What a finished run (or merge) produced.</summary>
/// <param name="OutputFolder">The output folder.</param>
/// <param name="Description">What was evaluated.</param>
/// <param name="Records">One record per image, sorted by id.</param>
/// <param name="Report">The aggregated report.</param>
/// <param name="Resumed">Images taken from an earlier run's records rather than evaluated now.</param>
public sealed record EvaluationRun(string OutputFolder, RunDescription Description, IReadOnlyList<EvaluationRecord> Records, EvaluationReport Report, int Resumed)
{
    /// <summary>The samples skipped as unusable (<see cref="EvaluationOptions.SkipInvalid"/>), sorted by id; empty otherwise.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = [];
}
