using System.Diagnostics;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>One sample on its way through the runner's stages (load, infer, finish); each stage fills in what the next needs.</summary>
internal sealed class SampleWork(DatasetSample sample)
{
    private long _ticks;

    public DatasetSample Sample { get; } = sample;

    /// <summary>The error that ended this sample's work; later stages leave the sample alone.</summary>
    public Exception? Error { get; set; }

    /// <summary>The decoded image (for a model that does not read pixels: a black image of the file's size).</summary>
    public ImageBuffer Image { get; set; }

    public BinaryMask? Truth { get; set; }

    public SegmentationPrompt? Prompt { get; set; }

    public SegmentationResult? Result { get; set; }

    /// <summary>The record, without its time.</summary>
    public EvaluationRecord? Record { get; set; }

    /// <summary>Time spent in the stages, waits between them excluded.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, _ticks);

    /// <summary>Runs one stage's <paramref name="step"/>, adding its time to <see cref="Elapsed"/>.</summary>
    public void Time(Action step)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            step();
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>Runs <paramref name="step"/> unless the sample already failed, and records an error that belongs to it.</summary>
    public void Attempt(Action step)
    {
        if (Error is not null)
        {
            return;
        }

        try
        {
            Time(step);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Error = ex;
        }
    }
}
