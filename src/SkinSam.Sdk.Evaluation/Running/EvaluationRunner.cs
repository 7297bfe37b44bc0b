using System.Diagnostics;
using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Reports;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Metrics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// Evaluates a model on a data set with a prompt strategy: per-image records appended to <c>OUT/records.jsonl</c>, then
/// <c>report.md</c>, <c>report.csv</c>, <c>report.json</c> and <c>plots/</c>. For a model it overlaps reading, the model (up to
/// <see cref="EvaluationOptions.MaxDegreeOfParallelism"/> images at once) and writing, records in id order
/// (<see cref="EvaluationOptions.Pipelined"/>); a rerun into the same folder skips the ids already recorded.
/// </summary>
/// <remarks>
/// Every model is treated alike. For a model whose <see cref="ModelInfo.ReadsPixels"/> is false (a <see cref="ShapeBaselineModel"/>) the image's pixels are never decoded: its size is read from the file header
/// (ImageSharp <c>Identify</c>), which is what the baseline needs. Any error (a missing mask, a mask of the wrong size, a
/// non-binary mask, a model failure) stops the run with the image named; records already written are kept, so a rerun
/// resumes after the fix. With <see cref="EvaluationOptions.SkipInvalid"/> an unusable sample (any
/// <see cref="DatasetException"/>) is listed in <c>skipped.jsonl</c> and the report instead, and the run goes on.
/// </remarks>
public sealed class EvaluationRunner
{
    private readonly ISegmentationModel _model;
    private readonly IDatasetReader _dataset;
    private readonly EvaluationOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="model">The model; used from several threads at once.</param>
    /// <param name="dataset">The data set.</param>
    /// <param name="options">The options; null for defaults.</param>
    public EvaluationRunner(ISegmentationModel model, IDatasetReader dataset, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new EvaluationOptions();
        options.Validate();
        _model = model;
        _dataset = dataset;
        _options = options;
    }

    /// <summary>The run description this runner writes to <c>run.json</c>.</summary>
    public RunDescription Description => new()
    {
        Model = _model.Info.Name,
        Dataset = _dataset.Name,
        Prompt = _options.Prompt.Name,
        Seed = _options.Prompt.IsRandom ? _options.Prompt.Seed : 0,
        Shard = _options.Shard.Count > 1 ? _options.Shard.ToString() : null,
    };

    /// <summary>The samples this run covers: the data set's, in id order, in the shard, up to the limit.</summary>
    /// <returns>The samples.</returns>
    public IReadOnlyList<DatasetSample> SelectSamples()
    {
        IEnumerable<DatasetSample> samples = _dataset.ReadSamples().Where(s => _options.Shard.Contains(s.Id));
        List<DatasetSample> list = [.. samples];
        return _options.Limit is int limit && list.Count > limit ? list.GetRange(0, limit) : list;
    }

    /// <summary>Runs the evaluation, resuming from the folder's records, and writes the reports.</summary>
    /// <param name="outputFolder">The output folder; created when missing.</param>
    /// <param name="progress">Receives progress after each image; may be null.</param>
    /// <param name="cancellationToken">Stops the run; records written so far are kept.</param>
    /// <returns>The records and the report.</returns>
    /// <exception cref="DatasetException">The data set is malformed (the file is named).</exception>
    /// <exception cref="EvaluationOutputException">The folder holds a different run, or its records are corrupt.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<EvaluationRun> RunAsync(string outputFolder, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        Directory.CreateDirectory(outputFolder);
        RunDescription description = Description;
        RunDescription? previous = RunDescription.Read(outputFolder);
        if (previous is not null)
        {
            previous.RequireCompatible(description, Path.Combine(outputFolder, RunDescription.FileName));
            if (previous.Shard != description.Shard)
            {
                throw new EvaluationOutputException($"{Path.Combine(outputFolder, RunDescription.FileName)}: expected shard {previous.Shard ?? "(all)"} as recorded; got {description.Shard ?? "(all)"}. Use another output folder per shard.");
            }
        }
        else
        {
            description.Write(outputFolder);
        }

        IReadOnlyList<DatasetSample> samples = SelectSamples();
        string recordsPath = Path.Combine(outputFolder, RecordsFile.FileName);
        var done = new Dictionary<string, EvaluationRecord>(StringComparer.Ordinal);
        foreach (EvaluationRecord record in RecordsFile.Read(recordsPath, repair: true))
        {
            done[record.ImageId] = record;
        }

        List<DatasetSample> todo = [.. samples.Where(s => !done.ContainsKey(s.Id))];
        int resumed = samples.Count - todo.Count;
        int completed = resumed;
        progress?.Report(new EvaluationProgress(completed, samples.Count, resumed, null));
        if (_options.SaveMasks)
        {
            Directory.CreateDirectory(Path.Combine(outputFolder, "masks"));
        }

        // A run killed in the middle of an atomic write leaves its hidden temporary file; the rerun removes them.
        AtomicFile.DeleteStaleTemporaries(outputFolder);
        AtomicFile.DeleteStaleTemporaries(Path.Combine(outputFolder, "masks"));
        AtomicFile.DeleteStaleTemporaries(Path.Combine(outputFolder, "plots"));

        var fresh = new System.Collections.Concurrent.ConcurrentDictionary<string, EvaluationRecord>(StringComparer.Ordinal);
        var skipped = new System.Collections.Concurrent.ConcurrentDictionary<string, SkippedSample>(StringComparer.Ordinal);
        using (var appender = new RecordAppender(recordsPath))
        {
            // Both loops hand every outcome to Complete; they differ only in what overlaps.
            void Complete(SampleWork work)
            {
                if (work.Error is DatasetException ex && _options.SkipInvalid)
                {
                    skipped[work.Sample.Id] = new SkippedSample
                    {
                        ImageId = work.Sample.Id,
                        Problem = ex.Problem.ToString(),
                        Reason = ex.Message,
                        ImagePath = work.Sample.ImagePath,
                        MaskPath = work.Sample.MaskPath,
                    };
                }
                else if (work.Error is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(work.Error);
                }
                else
                {
                    work.Time(() => Record(work, outputFolder));
                    EvaluationRecord record = work.Record! with { ElapsedMilliseconds = Math.Round(work.Elapsed.TotalMilliseconds, 3) };
                    appender.Append(record);
                    fresh[work.Sample.Id] = record;
                }

                progress?.Report(new EvaluationProgress(Interlocked.Increment(ref completed), samples.Count, resumed, work.Sample.Id));
            }

            if (_options.Pipelined && _model.Info.ReadsPixels)
            {
                // Reading sample N+1, the model on N and the metrics and writes of N-1 overlap; records stay in id order.
                await Task.Run(
                    () => OrderedPipeline.Run(
                        todo.Select(sample => new SampleWork(sample)),
                        (work, _) => work.Attempt(() => Load(work)),
                        (work, ct) => work.Attempt(() => Infer(work, ct)),
                        Complete,
                        cancellationToken,
                        computeWorkers: _options.MaxDegreeOfParallelism),
                    CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(todo, parallel, (sample, ct) =>
                {
                    var work = new SampleWork(sample);
                    work.Attempt(() => Load(work));
                    work.Attempt(() => Infer(work, ct));
                    Complete(work);
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
            }
        }

        List<EvaluationRecord> records = [.. samples.Where(s => !skipped.ContainsKey(s.Id)).Select(s => fresh.TryGetValue(s.Id, out EvaluationRecord? r) ? r : done[s.Id])];
        List<SkippedSample> skippedList = [.. skipped.Values.OrderBy(s => s.ImageId, StringComparer.Ordinal)];
        SkippedSamplesFile.Write(outputFolder, skippedList);
        if (records.Count == 0 && skippedList.Count > 0)
        {
            throw new DatasetException($"{_dataset.Name}: expected at least one usable sample to report on; got none ({skippedList.Count} skipped as unusable, listed in {Path.Combine(outputFolder, SkippedSamplesFile.FileName)}).");
        }

        EvaluationReport report = EvaluationReport.Create(description, records, _options.Bootstrap, skippedList);
        ReportWriter.WriteAll(outputFolder, [report], _options.WritePlots ? _options.ExampleCount : -1);
        return new EvaluationRun(outputFolder, description, records, report, resumed) { Skipped = skippedList };
    }

    /// <summary>Evaluates one sample without writing records (masks are written when asked for).</summary>
    /// <param name="sample">The sample.</param>
    /// <param name="outputFolder">Where <c>masks/</c> goes when <see cref="EvaluationOptions.SaveMasks"/> is set.</param>
    /// <param name="cancellationToken">Stops the model.</param>
    /// <returns>The record.</returns>
    public EvaluationRecord EvaluateOne(DatasetSample sample, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var work = new SampleWork(sample);
        work.Time(() =>
        {
            Load(work);
            Infer(work, cancellationToken);
            Record(work, outputFolder);
        });
        return work.Record! with { ElapsedMilliseconds = Math.Round(work.Elapsed.TotalMilliseconds, 3) };
    }

    /// <summary>First stage: the image (or, for a model that does not read pixels, its size) and the ground truth.</summary>
    private void Load(SampleWork work)
    {
        DatasetSample sample = work.Sample;
        if (!_model.Info.ReadsPixels)
        {
            (int w, int h) = GroundTruthFile.ReadImageSize(sample.ImagePath);
            work.Truth = GroundTruthFile.Load(sample.MaskPath, w, h);
            work.Image = new ImageBuffer(new byte[w * h * 3], w, h, PixelFormat.Rgb24);
            return;
        }

        if (!File.Exists(sample.ImagePath))
        {
            throw new DatasetException(DatasetProblem.MissingFile, sample.ImagePath, "expected an image file; got no such file.");
        }

        ImageBuffer image;
        try
        {
            image = ImageFile.Load(sample.ImagePath);
        }
        catch (ImageDecodeException ex)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, sample.ImagePath, ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, sample.ImagePath, $"expected a readable image file; got {ex.GetType().Name}: {ex.Message}", ex);
        }

        work.Truth = GroundTruthFile.Load(sample.MaskPath, image.Width, image.Height);
        work.Image = image;
    }

    /// <summary>Second stage: encode, the prompt from the ground truth, decode.</summary>
    private void Infer(SampleWork work, CancellationToken cancellationToken)
    {
        DatasetSample sample = work.Sample;
        BinaryMask truth = work.Truth!;
        using ImageEmbedding embedding = _model.Encode(work.Image, cancellationToken);
        work.Image = default; // not needed past the encoder; lets the pipeline's queued samples hold less
        SegmentationPrompt prompt;
        try
        {
            prompt = _options.Prompt.Create(truth, sample.Id);
        }
        catch (ArgumentException ex)
        {
            throw new DatasetException(DatasetProblem.EmptyMask, sample.MaskPath, $"expected a lesion in the ground truth of {sample.Id} for the '{_options.Prompt.Name}' prompt; got an empty mask.", ex);
        }

        SegmentationResult result = _model.Decode(embedding, prompt, _options.Decode, cancellationToken);
        BinaryMask predicted = result.Mask;
        if (predicted.Width != truth.Width || predicted.Height != truth.Height)
        {
            throw new ModelOutputException($"{_model.Info.Name} on {sample.ImagePath}: expected a mask of the image's size {truth.Width}x{truth.Height}; got {predicted.Width}x{predicted.Height}.");
        }

        work.Prompt = prompt;
        work.Result = result;
    }

    /// <summary>Last stage: metrics, the mask file when asked for, the record (its time is filled in by the caller).</summary>
    private void Record(SampleWork work, string outputFolder)
    {
        DatasetSample sample = work.Sample;
        BinaryMask truth = work.Truth!;
        SegmentationResult result = work.Result!;
        BinaryMask predicted = result.Mask;
        SegmentationMetrics metrics = SegmentationMetrics.Compute(truth.Width, truth.Height, predicted.Data, truth.Data);
        if (_options.SaveMasks)
        {
            MaskImage.SavePng(predicted, Path.Combine(outputFolder, "masks", sample.Id + ".png"));
        }

        work.Record = EvaluationRecord.FromMetrics(sample.Id, sample.LesionType, metrics) with
        {
            ImagePath = sample.ImagePath,
            MaskPath = sample.MaskPath,
            Width = truth.Width,
            Height = truth.Height,
            Prompt = PromptRecord.From(work.Prompt!),
            PredictedIou = result.PredictedIou,
            MaskRle = predicted.ToCocoRle().ToCompressedString(),
        };
    }
}
