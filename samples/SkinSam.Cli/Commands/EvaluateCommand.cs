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
    public static Command Create(CliOutput output)
    {
        var common = new CommonOptions();
        var data = new Option<string?>("--data", "-d") { Description = "The data set folder, e.g. --data ../shared/datasets/ham10000-lowres." };
        var layout = new Option<string>("--layout")
        {
            Description = "Data set layout: " + string.Join(", ", DatasetReaders.LayoutNames) + ", e.g. --layout ph2.",
            DefaultValueFactory = _ => "ham10000",
        };
        var maskPattern = new Option<string?>("--mask-pattern") { Description = "For --layout folders (DIR/images, DIR/masks): mask file name with {id}, e.g. {id}_segmentation.png. Default: {id}.png." };
        var baseline = new Option<string?>("--baseline") { Description = "Evaluate a baseline instead of a model: ellipse (inscribed in the prompt box) or box (the filled box), e.g. --baseline ellipse." };
        var prompt = new Option<string>("--prompt", "-p")
        {
            Description = "Prompt strategy: box, box-jitter (SDK boxes [x_min, y_min, x_max+1, y_max+1]), box-sam, box-jitter-sam (SAM/MedSAM boxes [x_min, y_min, x_max, y_max]), center, points:K, none, e.g. --prompt points:3.",
            DefaultValueFactory = _ => "box-jitter",
        };
        var outOption = new Option<string>("--out", "-o") { Description = "Output folder (records.jsonl, skipped.jsonl, report.md/csv/json, plots/), e.g. --out results/tiny-box.", DefaultValueFactory = _ => "results" };
        var saveMasks = new Option<bool>("--save-masks") { Description = "Also write each predicted mask to OUT/masks/<image_id>.png (0/255, original size), e.g. --save-masks." };
        var shard = new Option<string?>("--shard") { Description = "Evaluate shard k of N (k/N, 0 <= k < N) by a stable hash of the image id; combine shards with 'evaluate merge'." };
        var ids = new Option<string?>("--ids") { Description = "File of image ids to evaluate, one per line, e.g. --ids models/skinsam-tiny/val_split.txt." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random prompt strategies (box-jitter, points:K), 0 to 18446744073709551615, e.g. --seed 42.", DefaultValueFactory = _ => 0UL };
        var parallel = new Option<int?>("--parallel") { Description = "Images in flight at once (bounds memory), 1 to 1024, e.g. --parallel 2. Default: the core count for baselines, 1 for models (ONNX Runtime already uses every core)." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N images (by id) of the selection, N >= 1, e.g. --limit 50." };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots/*.png, e.g. --no-plots." };
        var skipInvalid = new Option<bool>("--skip-invalid")
        {
            Description = "Record an unusable sample (missing or wrong-size mask, undecodable image, empty ground truth) in skipped.jsonl and the report, with its reason, and go on, e.g. --skip-invalid. Without it the first such sample stops the run.",
        };
        shard.Description += " e.g. --shard 0/4.";
        OptionRules.InRange(parallel, 1, CommonOptions.MaxThreads);
        OptionRules.InRange(limit, 1, int.MaxValue);
        OptionRules.ParsesWith(layout, t => DatasetReaders.ParseLayout(t));
        OptionRules.ParsesWith(prompt, t => PromptStrategy.Parse(t));
        OptionRules.ParsesWith(baseline, t => ShapeBaselineModel.Parse(t).Dispose());
        OptionRules.ParsesWith(shard, t =>
        {
            if (!string.Equals(t, "auto", StringComparison.OrdinalIgnoreCase))
            {
                Shard.Parse(t);
            }
        });

        var command = new Command(
            "evaluate",
            "Evaluate a model or a baseline on a data set with prompts derived from the ground truth; resumable (rerun into the same --out to continue).\n\n"
            + "Examples:\n"
            + "  skinsam evaluate --data ../shared/datasets/ham10000-lowres --model models/skinsam-tiny --prompt box-jitter --out results/tiny\n"
            + "  skinsam evaluate --data data/ph2 --layout ph2 --baseline ellipse --prompt box --out results/ellipse --no-plots\n"
            + "  skinsam evaluate --data data/isic2018 --layout folders --mask-pattern {id}_segmentation.png --skip-invalid --limit 100 --out results/isic\n"
            + "  skinsam evaluate --data data/ham --ids val_split.txt --shard 0/4 --seed 7 --parallel 2 --save-masks --threads 2 --out results/shard0\n\n"
            + "Exit codes: 0 report written, 1 the run stopped at a sample (records so far kept; rerun to resume, or --skip-invalid), 2 usage error, 3 model error, 130 cancelled.");
        command.Options.Add(data);
        command.Options.Add(layout);
        command.Options.Add(maskPattern);
        command.Options.Add(baseline);
        command.Options.Add(prompt);
        command.Options.Add(outOption);
        command.Options.Add(saveMasks);
        command.Options.Add(ShardOptions.ForEvaluate(shard));
        command.Options.Add(ids);
        command.Options.Add(seed);
        command.Options.Add(parallel);
        command.Options.Add(limit);
        command.Options.Add(noPlots);
        command.Options.Add(skipInvalid);
        common.AddTo(command);
        command.Subcommands.Add(CreateMerge(output));
        command.Subcommands.Add(CreateCompare(output));

        command.SetAction((result, cancellationToken) => RunAsync(
            output,
            new Settings
            {
                Data = result.GetValue(data),
                Layout = result.GetValue(layout)!,
                MaskPattern = result.GetValue(maskPattern),
                Baseline = result.GetValue(baseline),
                ModelGiven = result.GetValue(common.Model) is not null,
                ModelFolder = common.ModelFolder(result),
                Prompt = result.GetValue(prompt)!,
                Output = result.GetValue(outOption)!,
                SaveMasks = result.GetValue(saveMasks),
                Shard = result.GetValue(shard),
                Ids = result.GetValue(ids),
                Seed = result.GetValue(seed),
                Parallel = result.GetValue(parallel),
                Limit = result.GetValue(limit),
                NoPlots = result.GetValue(noPlots),
                SkipInvalid = result.GetValue(skipInvalid),
            },
            () => common.ModelOptions(result),
            cancellationToken));
        return command;
    }

    private static Command CreateMerge(CliOutput output)
    {
        var inputs = new Argument<string[]>("runs") { Description = "Output folders of earlier runs (e.g. one per shard).", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out", "-o") { Description = "Output folder of the merged run, e.g. --out results/merged.", Required = true };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw plots/*.png, e.g. --no-plots." };
        var merge = new Command(
            "merge",
            "Combine the records of several runs of the same model, data set, prompt and seed (e.g. shards) into one report.\n\n"
            + "Examples:\n"
            + "  skinsam evaluate merge results/shard0 results/shard1 results/shard2 results/shard3 --out results/merged\n"
            + "  skinsam evaluate merge results/shard* --out results/merged --no-plots\n\n"
            + "Exit codes: 0 merged, 1 the runs cannot be merged, 2 usage error.");
        merge.Arguments.Add(inputs);
        merge.Options.Add(outOption);
        merge.Options.Add(noPlots);
        merge.SetAction((result, _) =>
        {
            try
            {
                var watch = Stopwatch.StartNew();
                RequireRunFolders(result.GetValue(inputs) ?? []);
                EvaluationRun run = EvaluationMerge.Merge(result.GetValue(inputs) ?? [], result.GetValue(outOption)!, exampleCount: result.GetValue(noPlots) ? -1 : 3);
                PrintSummary(output, run, watch.Elapsed);
                return Task.FromResult(ExitCodes.Success);
            }
            catch (Exception ex) when (ex is EvaluationOutputException or ArgumentException or IOException)
            {
                if (ex is ArgumentException)
                {
                    throw new CliUsageException(CliApplication.OneLine(ex));
                }

                output.Fail(CliApplication.OneLine(ex));
                return Task.FromResult(ExitCodes.PartialFailure);
            }
        });
        return merge;
    }

    private static Command CreateCompare(CliOutput output)
    {
        var inputs = new Argument<string[]>("runs") { Description = "Output folders of finished runs (different models or prompts).", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out", "-o") { Description = "Output folder for the side-by-side report.md, report.csv, report.json and plots, e.g. --out results/compare.", Required = true };
        var compare = new Command(
            "compare",
            "Write one report with several runs side by side (rows per lesion type, one per run).\n\n"
            + "Examples:\n"
            + "  skinsam evaluate compare results/tiny results/ellipse --out results/compare\n\n"
            + "Exit codes: 0 written, 1 a run cannot be read, 2 usage error.");
        compare.Arguments.Add(inputs);
        compare.Options.Add(outOption);
        compare.SetAction((result, _) =>
        {
            try
            {
                RequireRunFolders(result.GetValue(inputs) ?? []);
                var reports = (result.GetValue(inputs) ?? []).Select(f => SkinSam.Sdk.Evaluation.Reports.EvaluationReport.Read(f, BootstrapOptions.Default)).ToList();
                SkinSam.Sdk.Evaluation.Reports.ReportWriter.WriteAll(result.GetValue(outOption)!, reports, exampleCount: 0);
                output.Out.WriteLine($"report: {Path.Combine(result.GetValue(outOption)!, "report.md")}");
                return Task.FromResult(ExitCodes.Success);
            }
            catch (Exception ex) when (ex is EvaluationOutputException or ArgumentException or IOException)
            {
                output.Fail(CliApplication.OneLine(ex));
                return Task.FromResult(ExitCodes.PartialFailure);
            }
        });
        return compare;
    }

    private static async Task<int> RunAsync(CliOutput output, Settings s, Func<ModelOptions> modelOptions, CancellationToken cancellationToken)
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

            if (!Directory.Exists(s.Data))
            {
                throw new FormatException($"--data: expected a data set folder; got '{s.Data}', which {(File.Exists(s.Data) ? "is a file" : "does not exist")}.");
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
                Shard = s.Shard is null ? Shard.All : ShardSelection.Parse(s.Shard),
                Limit = s.Limit,
                SaveMasks = s.SaveMasks,
                WritePlots = !s.NoPlots,
                SkipInvalid = s.SkipInvalid,
                MaxDegreeOfParallelism = s.Parallel ?? (s.Baseline is not null ? Environment.ProcessorCount : 1),
            };
            options.Validate();
            OutputFolder.Prepare(s.Output);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or DatasetException)
        {
            throw new CliUsageException(CliApplication.OneLine(ex));
        }

        ISegmentationModel model;
        try
        {
            model = s.Baseline is not null ? ShapeBaselineModel.Parse(s.Baseline) : SegmentationModels.Load(s.ModelFolder, modelOptions());
        }
        catch (FormatException ex)
        {
            throw new CliUsageException(CliApplication.OneLine(ex));
        }
        catch (SkinSamException ex)
        {
            output.Fail(CliApplication.OneLine(ex));
            return ExitCodes.ModelError;
        }

        using (model)
        {
            if (strategy.Kind == PromptStrategyKind.None && !model.Info.SupportsNoPrompt)
            {
                throw new CliUsageException($"model '{model.Info.Name}' needs a prompt; choose --prompt box, box-jitter, center or points:K.");
            }

            var runner = new EvaluationRunner(model, reader, options);
            var watch = Stopwatch.StartNew();
            try
            {
                if (ShardOptions.WriteEmptyShard(runner, options.Shard, s.Output, output.Out))
                {
                    return ExitCodes.Success;
                }

                EvaluationRun run;
                if (!output.Interactive)
                {
                    var lines = new LineProgress(output.Out);
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

                PrintSummary(output, run, watch.Elapsed);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                output.Error.WriteLine($"cancelled; rerun the same command to resume from {Path.Combine(s.Output, RecordsFile.FileName)}");
                return ExitCodes.Cancelled;
            }
            catch (DatasetException ex) when (!s.SkipInvalid && ex.FilePath is not null)
            {
                output.Fail(CliApplication.OneLine(ex));
                output.Error.WriteLine($"the run stopped at this sample; rerun with --skip-invalid to record unusable samples in {Path.Combine(s.Output, SkippedSamplesFile.FileName)} and the report, and go on.");
                output.Error.WriteLine($"records so far are kept in {Path.Combine(s.Output, RecordsFile.FileName)}; rerun to resume.");
                return ExitCodes.PartialFailure;
            }
            catch (Exception ex) when (ex is DatasetException or EvaluationOutputException or ModelOutputException or IOException or UnauthorizedAccessException or SkinSam.Sdk.Prompts.InvalidPromptException)
            {
                output.Fail(CliApplication.OneLine(ex));
                output.Error.WriteLine($"records so far are kept in {Path.Combine(s.Output, RecordsFile.FileName)}; rerun to resume.");
                return ExitCodes.PartialFailure;
            }
        }
    }

    private static void RequireRunFolders(string[] folders)
    {
        foreach (string folder in folders.Where(f => !Directory.Exists(f)))
        {
            throw new CliUsageException($"expected the output folder of an earlier evaluate run; got '{folder}', which {(File.Exists(folder) ? "is a file" : "does not exist")}.");
        }
    }

    private static void PrintSummary(CliOutput output, EvaluationRun run, TimeSpan elapsed)
    {
        GroupMetricSummary all = run.Report.Aggregation.Overall;
        output.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{run.Description.Label}: {all.ImageCount} images ({run.Resumed} resumed{(run.Skipped.Count > 0 ? $", {run.Skipped.Count} skipped as unusable, listed in {SkippedSamplesFile.FileName} and the report" : string.Empty)}) in {elapsed.TotalSeconds:0.0} s"));
        output.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"overall: pixel accuracy {all.PixelAccuracy.Mean:0.0000}  Dice {all.Dice.Mean:0.0000} [{all.Dice.ConfidenceLower:0.0000}, {all.Dice.ConfidenceUpper:0.0000}]  IoU {all.IoU.Mean:0.0000}  HD95 {all.HausdorffDistance95.Mean:0.00} px"));
        output.Out.WriteLine($"report: {Path.Combine(run.OutputFolder, "report.md")}");
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

        public bool SkipInvalid { get; init; }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Completed;
        }
    }

    private sealed class LineProgress(TextWriter writer) : IProgress<EvaluationProgress>
    {
        private int _lastDecile = -1;

        public void Report(EvaluationProgress value)
        {
            int decile = value.Total == 0 ? 10 : value.Completed * 10 / value.Total;
            if (Interlocked.Exchange(ref _lastDecile, decile) != decile)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Completed}/{value.Total} images{(value.Resumed > 0 ? $" ({value.Resumed} resumed)" : string.Empty)}"));
            }
        }
    }
}
