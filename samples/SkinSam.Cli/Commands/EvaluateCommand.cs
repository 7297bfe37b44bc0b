using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SkinSam.Sdk;
using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Metrics;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using Spectre.Console;

namespace SkinSam.Cli.Commands;

/// <summary>
/// <c>skinsam evaluate --data DIR --layout L (--model DIR | --baseline ellipse|box) --prompt P --out DIR</c> and
/// <c>skinsam evaluate merge OUT1 OUT2 ... --out DIR</c> and <c>skinsam evaluate compare OUT1 OUT2 ... --out DIR</c>.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var data = new Option<string?>("--data", "-d") { Description = "The data set folder." };
        var layout = new Option<string>("--layout")
        {
            Description = "Data set layout: " + string.Join(", ", DatasetReaders.LayoutNames) + ". Default: ham10000.",
            DefaultValueFactory = _ => "ham10000",
        };
        var maskPattern = new Option<string?>("--mask-pattern") { Description = "For --layout folders (DIR/images, DIR/masks): mask file name with {id}, e.g. {id}_segmentation.png. Default: {id}.png." };
        var baseline = new Option<string?>("--baseline") { Description = "Evaluate a baseline instead of a model: ellipse (inscribed in the prompt box) or box (the filled box)." };
        var prompt = new Option<string>("--prompt", "-p")
        {
            Description = "Prompt strategy: box, box-jitter (SDK boxes [x_min, y_min, x_max+1, y_max+1]), box-sam, box-jitter-sam (SAM/MedSAM boxes [x_min, y_min, x_max, y_max]), center, points:K, none. Default: box-jitter.",
            DefaultValueFactory = _ => "box-jitter",
        };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (records.jsonl, report.md/csv/json, plots/). Default: results.", DefaultValueFactory = _ => "results" };
        var saveMasks = new Option<bool>("--save-masks") { Description = "Also write each predicted mask to OUT/masks/<image_id>.png (0/255, original size)." };
        var shard = new Option<string?>("--shard") { Description = "Evaluate shard k of N (k/N, 0 <= k < N) by a stable hash of the image id; combine shards with 'evaluate merge'." };
        var ids = new Option<string?>("--ids") { Description = "File of image ids to evaluate, one per line (e.g. a validation split list)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random prompt strategies (box-jitter, points:K). Default: 0.", DefaultValueFactory = _ => 0UL };
        var parallel = new Option<int?>("--parallel") { Description = "Images in flight at once (bounds memory). Default: the core count for baselines, 1 for models (ONNX Runtime already uses every core)." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N images (by id) of the selection." };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots/*.png." };

        var command = new Command("evaluate", "Evaluate a model or a baseline on a data set with prompts derived from the ground truth; resumable (rerun into the same --out to continue).");
        command.Options.Add(data);
        command.Options.Add(layout);
        command.Options.Add(maskPattern);
        command.Options.Add(baseline);
        command.Options.Add(prompt);
        command.Options.Add(output);
        command.Options.Add(saveMasks);
        command.Options.Add(shard);
        command.Options.Add(ids);
        command.Options.Add(seed);
        command.Options.Add(parallel);
        command.Options.Add(limit);
        command.Options.Add(noPlots);
        common.AddTo(command);
        command.Subcommands.Add(CreateMerge());
        command.Subcommands.Add(CreateCompare());

        command.SetAction((result, cancellationToken) => RunAsync(
            new Settings
            {
                Data = result.GetValue(data),
                Layout = result.GetValue(layout)!,
                MaskPattern = result.GetValue(maskPattern),
                Baseline = result.GetValue(baseline),
                ModelGiven = result.GetValue(common.Model) is not null,
                ModelFolder = common.ModelFolder(result),
                Prompt = result.GetValue(prompt)!,
                Output = result.GetValue(output)!,
                SaveMasks = result.GetValue(saveMasks),
                Shard = result.GetValue(shard),
                Ids = result.GetValue(ids),
                Seed = result.GetValue(seed),
                Parallel = result.GetValue(parallel),
                Limit = result.GetValue(limit),
                NoPlots = result.GetValue(noPlots),
            },
            () => common.ModelOptions(result),
            cancellationToken));
        return command;
    }

    private static Command CreateMerge()
    {
        var inputs = new Argument<string[]>("runs") { Description = "Output folders of earlier runs (e.g. one per shard).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder of the merged run.", Required = true };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots/*.png." };
        var merge = new Command("merge", "Combine the records of several runs of the same model, data set, prompt and seed (e.g. shards) into one report.");
        merge.Arguments.Add(inputs);
        merge.Options.Add(output);
        merge.Options.Add(noPlots);
        merge.SetAction((result, _) =>
        {
            try
            {
                var watch = Stopwatch.StartNew();
                EvaluationRun run = EvaluationMerge.Merge(result.GetValue(inputs) ?? [], result.GetValue(output)!, exampleCount: result.GetValue(noPlots) ? -1 : 3);
                PrintSummary(run, watch.Elapsed);
                return Task.FromResult(ExitCodes.Success);
            }
            catch (Exception ex) when (ex is EvaluationOutputException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return Task.FromResult(ex is ArgumentException ? ExitCodes.UsageError : ExitCodes.PartialFailure);
            }
        });
        return merge;
    }

    private static Command CreateCompare()
    {
        var inputs = new Argument<string[]>("runs") { Description = "Output folders of finished runs (different models or prompts).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for the side-by-side report.md, report.csv, report.json and plots.", Required = true };
        var compare = new Command("compare", "Write one report with several runs side by side (rows per lesion type, one per run).");
        compare.Arguments.Add(inputs);
        compare.Options.Add(output);
        compare.SetAction((result, _) =>
        {
            try
            {
                var reports = (result.GetValue(inputs) ?? []).Select(f => SkinSam.Sdk.Evaluation.Reports.EvaluationReport.Read(f, BootstrapOptions.Default)).ToList();
                SkinSam.Sdk.Evaluation.Reports.ReportWriter.WriteAll(result.GetValue(output)!, reports, exampleCount: 0);
                Console.WriteLine($"report: {Path.Combine(result.GetValue(output)!, "report.md")}");
                return Task.FromResult(ExitCodes.Success);
            }
            catch (Exception ex) when (ex is EvaluationOutputException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return Task.FromResult(ExitCodes.PartialFailure);
            }
        });
        return compare;
    }

    private static async Task<int> RunAsync(Settings s, Func<ModelOptions> modelOptions, CancellationToken cancellationToken)
    {
        IDatasetReader reader;
        PromptStrategy strategy;
        EvaluationOptions options;
        try
        {
            if (string.IsNullOrWhiteSpace(s.Data))
            {
                throw new FormatException("expected --data DIR (the data set folder); got none.");
            }

            if (s.Baseline is not null && s.ModelGiven)
            {
                throw new FormatException("expected either --model or --baseline; got both.");
            }

            reader = DatasetReaders.Open(DatasetReaders.ParseLayout(s.Layout), s.Data, s.MaskPattern);
            if (s.Ids is not null)
            {
                reader = new FilteredDatasetReader(reader, IdListFile.Read(s.Ids), s.Ids);
            }

            strategy = PromptStrategy.Parse(s.Prompt, s.Seed);
            if (s.Baseline is not null && strategy.Kind is not (PromptStrategyKind.Box or PromptStrategyKind.BoxJitter))
            {
                throw new FormatException($"expected --prompt box or box-jitter with --baseline (a baseline draws in the prompt's box); got '{strategy.Name}'.");
            }

            options = new EvaluationOptions
            {
                Prompt = strategy,
                Shard = s.Shard is null ? Shard.All : Shard.Parse(s.Shard),
                Limit = s.Limit,
                SaveMasks = s.SaveMasks,
                WritePlots = !s.NoPlots,
                MaxDegreeOfParallelism = s.Parallel ?? (s.Baseline is not null ? Environment.ProcessorCount : 1),
            };
            options.Validate();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or DatasetException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }

        ISegmentationModel model;
        try
        {
            model = s.Baseline is not null ? ShapeBaselineModel.Parse(s.Baseline) : SamOnnxModel.Load(s.ModelFolder, modelOptions());
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (SkinSamException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.ModelError;
        }

        using (model)
        {
            if (strategy.Kind == PromptStrategyKind.None && !model.Info.SupportsNoPrompt)
            {
                Console.Error.WriteLine($"error: model '{model.Info.Name}' needs a prompt; choose --prompt box, box-jitter, center or points:K.");
                return ExitCodes.UsageError;
            }

            var runner = new EvaluationRunner(model, reader, options);
            var watch = Stopwatch.StartNew();
            try
            {
                EvaluationRun run;
                if (Console.IsOutputRedirected)
                {
                    var lines = new LineProgress();
                    run = await runner.RunAsync(s.Output, lines, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    run = await AnsiConsole.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .StartAsync(async ctx =>
                        {
                            ProgressTask task = ctx.AddTask($"{model.Info.Name} / {strategy.Name}", maxValue: 1);
                            var bar = new BarProgress(task);
                            return await runner.RunAsync(s.Output, bar, cancellationToken).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                }

                PrintSummary(run, watch.Elapsed);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"cancelled; rerun the same command to resume from {Path.Combine(s.Output, RecordsFile.FileName)}");
                return ExitCodes.Cancelled;
            }
            catch (Exception ex) when (ex is DatasetException or EvaluationOutputException or ModelOutputException or IOException or SkinSam.Sdk.Prompts.InvalidPromptException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                Console.Error.WriteLine($"records so far are kept in {Path.Combine(s.Output, RecordsFile.FileName)}; rerun to resume.");
                return ExitCodes.PartialFailure;
            }
        }
    }

    private static void PrintSummary(EvaluationRun run, TimeSpan elapsed)
    {
        GroupMetricSummary all = run.Report.Aggregation.Overall;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{run.Description.Label}: {all.ImageCount} images ({run.Resumed} resumed) in {elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"overall: pixel accuracy {all.PixelAccuracy.Mean:0.0000}  Dice {all.Dice.Mean:0.0000} [{all.Dice.ConfidenceLower:0.0000}, {all.Dice.ConfidenceUpper:0.0000}]  IoU {all.IoU.Mean:0.0000}  HD95 {all.HausdorffDistance95.Mean:0.00} px"));
        Console.WriteLine($"report: {Path.Combine(run.OutputFolder, "report.md")}");
    }

    private sealed class Settings
    {
        public string? Data { get; init; }

        public required string Layout { get; init; }

        public string? MaskPattern { get; init; }

        public string? Baseline { get; init; }

        public bool ModelGiven { get; init; }

        public required string ModelFolder { get; init; }

        public required string Prompt { get; init; }

        public required string Output { get; init; }

        public bool SaveMasks { get; init; }

        public string? Shard { get; init; }

        public string? Ids { get; init; }

        public ulong Seed { get; init; }

        public int? Parallel { get; init; }

        public int? Limit { get; init; }

        public bool NoPlots { get; init; }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Completed;
        }
    }

    private sealed class LineProgress : IProgress<EvaluationProgress>
    {
        private int _lastDecile = -1;

        public void Report(EvaluationProgress value)
        {
            int decile = value.Total == 0 ? 10 : value.Completed * 10 / value.Total;
            if (Interlocked.Exchange(ref _lastDecile, decile) != decile)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Completed}/{value.Total} images{(value.Resumed > 0 ? $" ({value.Resumed} resumed)" : string.Empty)}"));
            }
        }
    }
}
