using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SkinSam.Sdk;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Cli.Commands;

/// <summary><c>skinsam segment IMAGE... [--box]... [--point]... | --prompts FILE.jsonl  [--model DIR] [--out DIR]</c>.</summary>
internal static class SegmentCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(CliOutput output)
    {
        var common = new CommonOptions();
        var images = new Argument<string[]>("images")
        {
            Description = "Image files, folders of images, or globs such as 'scans/*.jpg'. Files named *.mask.png or *.overlay.png (skinsam's outputs) are left out.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var boxes = new Option<string[]>("--box")
        {
            HelpName = "x0,y0,x1,y1",
            Description = "Box prompt x0,y0,x1,y1 in image pixels, e.g. --box 30,15,175,140. Repeatable: one mask per box, named STEM.box0.mask.png, STEM.box1.mask.png, ..., and one overlay with every mask.",
            AllowMultipleArgumentsPerToken = false,
        };
        var points = new Option<string[]>("--point")
        {
            HelpName = "x,y[,label]",
            Description = "Point prompt x,y[,label] in image pixels; label 1 = lesion (default), 0 = background, e.g. --point 100,75 --point 10,10,0. Repeatable; goes with at most one --box.",
            AllowMultipleArgumentsPerToken = false,
        };
        var prompts = new Option<string?>("--prompts")
        {
            HelpName = "FILE.jsonl",
            Description = "Prompts per image from a JSON Lines file instead of IMAGE arguments and --box/--point: one object per line, "
                + "{\"image\": \"lesion.jpg\", \"boxes\": [[x0,y0,x1,y1], ...], \"points\": [[x,y], [x,y,label], ...]}; image is relative to the file's folder, boxes and points are optional. "
                + "e.g. --prompts prompts.jsonl.",
        };
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Output folder for STEM.mask.png, STEM.overlay.png and STEM.json, created when missing, e.g. --out results/.",
            HelpName = "DIR",
            DefaultValueFactory = _ => "out",
        };
        var skipExisting = new Option<bool>("--skip-existing")
        {
            Description = "Skip an image whose STEM.json (written last, atomically) already exists in the output folder: resume an interrupted run, e.g. --skip-existing.",
        };
        var selection = new Option<MaskSelection>("--selection")
        {
            Description = "Which candidate mask to keep: ModelDefault (default: the model profile's rule, OfficialOnnx for sam, PredictorFirstMask for medsam), OfficialOnnx, PredictorFirstMask, HighestPredictedIou (names only, any case), e.g. --selection HighestPredictedIou.",
            DefaultValueFactory = _ => MaskSelection.ModelDefault,
            CustomParser = OptionRules.NamedEnum<MaskSelection>,
        };
        OptionRules.ParsesWith(boxes, t => PromptSyntax.ParseBox(t));
        OptionRules.ParsesWith(points, t => PromptSyntax.ParsePoint(t));
        var shard = ShardOptions.ForSegment();
        OptionRules.ParsesWith(shard, t =>
        {
            if (!string.Equals(t, ShardSelection.Auto, StringComparison.OrdinalIgnoreCase))
            {
                Shard.Parse(t);
            }
        });

        var command = new Command(
            "segment",
            "Segment the lesion in dermoscopic images and write the mask, an overlay and a JSON summary per image. With no --box or --point the model's no-prompt mode is used.\n\n"
            + "Examples:\n"
            + "  skinsam segment lesion.jpg --box 30,15,175,140 --out out\n"
            + "  skinsam segment lesion.jpg --box 30,15,90,80 --box 100,60,175,140   (two lesions: lesion.box0.mask.png, lesion.box1.mask.png)\n"
            + "  skinsam segment \"scans/*.jpg\" --point 100,75 --provider cuda,cpu --threads 4 --skip-existing\n"
            + "  skinsam segment --prompts prompts.jsonl --model models/skinsam-tiny --selection HighestPredictedIou\n\n"
            + "Two inputs with the same file stem (a/x.jpg and b/x.jpg, or x.jpg and x.png) are refused before anything is written.\n"
            + "Exit codes: 0 all done, 1 some images failed (each reported; the rest were done), 2 usage error, 3 model error, 130 cancelled.");
        command.Arguments.Add(images);
        command.Options.Add(boxes);
        command.Options.Add(points);
        command.Options.Add(prompts);
        command.Options.Add(outDir);
        command.Options.Add(selection);
        command.Options.Add(skipExisting);
        command.Options.Add(shard);
        common.AddTo(command);
        var everything = new SegmentEverythingCommand();
        everything.AddTo(command);

        command.SetAction((result, cancellationToken) => Task.FromResult(result.GetValue(everything.Everything)
            ? everything.Run(output, result, result.GetValue(images) ?? [], (result.GetValue(boxes) ?? []).Length > 0 || (result.GetValue(points) ?? []).Length > 0, result.GetValue(outDir)!, common.ModelFolder(result), () => common.ModelOptions(result), cancellationToken)
            : Run(
            output,
            new Request(
                result.GetValue(images) ?? [],
                result.GetValue(boxes) ?? [],
                result.GetValue(points) ?? [],
                result.GetValue(prompts),
                result.GetValue(outDir)!,
                result.GetValue(selection),
                result.GetValue(skipExisting),
                result.GetValue(shard)),
            common.ModelFolder(result),
            () => common.ModelOptions(result),
            cancellationToken)));
        return command;
    }

    private static IReadOnlyList<SegmentJob> PlanJobs(Request request, CliOutput output)
    {
        if (request.PromptsFile is not null)
        {
            if (request.Images.Length > 0 || request.Boxes.Length > 0 || request.Points.Length > 0)
            {
                throw new CliUsageException("expected either --prompts FILE or IMAGE arguments with --box/--point; got both.");
            }

            return PromptsFile.Read(request.PromptsFile);
        }

        if (request.Images.Length == 0)
        {
            throw new CliUsageException("expected at least one IMAGE argument (a file, folder or glob) or --prompts FILE; got none.");
        }

        IReadOnlyList<SegmentationPrompt> prompts = SegmentJob.CombinePrompts(
            [.. request.Boxes.Select(PromptSyntax.ParseBox)],
            [.. request.Points.Select(PromptSyntax.ParsePoint)],
            "--box/--point");
        IReadOnlyList<string> files = InputFiles.Expand(request.Images, output);
        if (files.Count == 0)
        {
            throw new CliUsageException($"expected at least one image; got none in {string.Join(", ", request.Images.Select(a => $"'{a}'"))} (images are .jpg, .jpeg, .png, .bmp, .tif, .tiff, .webp, .gif, .tga).");
        }

        return [.. files.Select(f => new SegmentJob(f, prompts))];
    }

    private static int Run(CliOutput output, Request request, string modelFolder, Func<ModelOptions> modelOptions, CancellationToken cancellationToken)
    {
        // Everything that can be checked is checked before the model loads and before anything is written.
        IReadOnlyList<SegmentJob> jobs = PlanJobs(request, output);
        if (request.Shard is not null)
        {
            Shard part;
            try
            {
                part = ShardSelection.Parse(request.Shard);
            }
            catch (FormatException ex)
            {
                throw new CliUsageException(ex.Message);
            }

            int all = jobs.Count;
            jobs = ShardOptions.Select(jobs, part, j => j.Image);
            if (jobs.Count == 0)
            {
                output.Out.WriteLine($"shard {part}: none of the {all} images falls in this shard; nothing to do.");
                return ExitCodes.Success;
            }
        }

        OutputNames.RequireUnique(request.OutDir, [.. jobs.Select(j => j.Image)]);
        OutputFolder.Prepare(request.OutDir);

        ISegmentationModel model;
        try
        {
            model = SegmentationModels.Load(modelFolder, modelOptions());
        }
        catch (SkinSamException ex)
        {
            output.Fail(CliApplication.OneLine(ex));
            return ExitCodes.ModelError;
        }

        using (model)
        {
            if (jobs.Any(j => j.Prompts.Any(p => p.IsEmpty)) && !model.Info.SupportsNoPrompt)
            {
                throw new CliUsageException($"model '{model.Info.Name}' needs a prompt; give --box x0,y0,x1,y1 or --point x,y (or boxes/points on every line of --prompts).");
            }

            foreach (var attempt in model.Info.ProviderAttempts.Where(a => !a.Succeeded))
            {
                output.Warn($"provider {attempt.Provider} skipped: {attempt.Reason}");
            }

            AtomicFile.DeleteStaleTemporaries(request.OutDir); // left by a run killed in the middle of a write
            var options = new DecodeOptions { Selection = request.Selection };
            int done = 0, failed = 0, skipped = 0;

            // Reading and decoding the next image, the model on this one and writing the previous one's files overlap;
            // each stage takes the images in order, so the files and the lines printed are those of a plain loop.
            OrderedPipeline.Run(
                jobs.Select(job => new Work(job, OutputNames.Stem(request.OutDir, job.Image))),
                (work, _) =>
                {
                    if (request.SkipExisting && File.Exists(work.Stem + OutputNames.SummarySuffix))
                    {
                        work.Skipped = true;
                        return;
                    }

                    Attempt(work, () => LoadOne(work));
                },
                (work, token) => Attempt(work, () => InferOne(model, work, options, token)),
                work =>
                {
                    if (work.Skipped)
                    {
                        skipped++;
                        return;
                    }

                    Attempt(work, () => WriteOne(model, work));
                    if (work.Error is { } ex)
                    {
                        failed++;
                        string message = CliApplication.OneLine(ex);
                        bool namesFile = message.Contains(work.Job.Image, StringComparison.Ordinal) || message.Contains(Path.GetFileName(work.Job.Image), StringComparison.Ordinal);
                        output.Fail(namesFile ? message : $"{work.Job.Image}: {message}");
                        return;
                    }

                    string[] written = work.Files;
                    if (written.All(File.Exists))
                    {
                        done++;
                        output.Out.WriteLine($"{CliOutput.Display(work.Job.Image)} -> {CliOutput.Display(written[0])}");
                    }
                    else
                    {
                        failed++;
                        output.Fail($"{work.Job.Image}: expected {string.Join(", ", written)} on disk after writing; got {string.Join(", ", written.Where(w => !File.Exists(w)))} missing.");
                    }
                },
                cancellationToken);

            output.Out.WriteLine($"done {done}, failed {failed}, skipped {skipped} of {jobs.Count} image(s); outputs in {CliOutput.Display(request.OutDir)}");
            return failed == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
        }
    }

    /// <summary>Runs <paramref name="step"/> unless the item already failed; records an error that belongs to this image.</summary>
    private static void Attempt(Work work, Action step)
    {
        if (work.Error is not null || work.Skipped)
        {
            return;
        }

        try
        {
            step();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            work.Error = ex;
        }
    }

    /// <summary>First stage: the output names are writable, the image is read and decoded.</summary>
    private static void LoadOne(Work work)
    {
        int count = work.Job.Prompts.Count;
        string[] maskFiles = [.. Enumerable.Range(0, count).Select(i => OutputNames.Mask(work.Stem, i, count))];
        work.Files = [.. maskFiles, work.Stem + OutputNames.OverlaySuffix, work.Stem + OutputNames.SummarySuffix];
        foreach (string path in work.Files)
        {
            OutputNames.RequireWritableFile(path);
        }

        InputFiles.RequireReadableImage(work.Job.Image);
        work.Image = ImageFile.Load(work.Job.Image);
    }

    /// <summary>Second stage: encode once, decode every prompt.</summary>
    private static void InferOne(ISegmentationModel model, Work work, DecodeOptions options, CancellationToken cancellationToken)
    {
        int count = work.Job.Prompts.Count;
        long start = Stopwatch.GetTimestamp();
        using ImageEmbedding embedding = model.Encode(work.Image, cancellationToken);
        work.EncodeTime = Stopwatch.GetElapsedTime(start);
        var results = new SegmentationResult[count];
        for (int i = 0; i < count; i++)
        {
            results[i] = model.Decode(embedding, work.Job.Prompts[i], options, cancellationToken);
        }

        work.Results = results;
    }

    /// <summary>Last stage: masks, overlay and summary, mask first in <see cref="Work.Files"/>.</summary>
    private static void WriteOne(ISegmentationModel model, Work work)
    {
        SegmentJob job = work.Job;
        ImageBuffer image = work.Image;
        SegmentationResult[] results = work.Results!;
        TimeSpan encodeTime = work.EncodeTime;
        int count = job.Prompts.Count;
        string[] maskFiles = work.Files[..count];
        string overlayFile = work.Files[count];
        string summaryFile = work.Files[count + 1];
        for (int i = 0; i < count; i++)
        {
            MaskImage.SavePng(results[i].Mask, maskFiles[i]);
        }

        MaskImage.SaveOverlay(image, count == 1 ? results[0].Mask : BinaryMask.Union([.. results.Select(r => r.Mask)]), overlayFile);
        object summary = count == 1
            ? Summary(model, job.Image, image, job.Prompts[0], results[0], encodeTime)
            : new
            {
                image = Path.GetFullPath(job.Image),
                width = image.Width,
                height = image.Height,
                model = model.Info.Name,
                provider = model.Info.ExecutionProvider,
                overlay = Path.GetFileName(overlayFile),
                masks = results.Select((r, i) => new
                {
                    index = i,
                    file = Path.GetFileName(maskFiles[i]),
                    prompt = PromptJson(job.Prompts[i]),
                    maskIndex = r.MaskIndex,
                    selection = r.Selection.ToString(),
                    score = r.PredictedIou,
                    stability = r.StabilityScore,
                    area = r.Area,
                    boundingBox = new { x = r.BoundingBox.X, y = r.BoundingBox.Y, width = r.BoundingBox.Width, height = r.BoundingBox.Height },
                    decodeMs = r.Elapsed.TotalMilliseconds,
                }).ToArray(),
                timing = new { encodeMs = encodeTime.TotalMilliseconds },
            };
        AtomicFile.WriteAllText(summaryFile, JsonSerializer.Serialize(summary, JsonOptions) + "\n");
    }

    private static object Summary(ISegmentationModel model, string file, ImageBuffer image, SegmentationPrompt prompt, SegmentationResult result, TimeSpan encodeTime) => new
    {
        image = Path.GetFullPath(file),
        width = image.Width,
        height = image.Height,
        model = model.Info.Name,
        provider = model.Info.ExecutionProvider,
        prompt = PromptJson(prompt),
        maskIndex = result.MaskIndex,
        selection = result.Selection.ToString(),
        score = result.PredictedIou,
        stability = result.StabilityScore,
        area = result.Area,
        boundingBox = new { x = result.BoundingBox.X, y = result.BoundingBox.Y, width = result.BoundingBox.Width, height = result.BoundingBox.Height },
        timing = new { encodeMs = encodeTime.TotalMilliseconds, decodeMs = result.Elapsed.TotalMilliseconds },
    };

    private static object PromptJson(SegmentationPrompt prompt) => new
    {
        box = prompt.Box is { } b ? new[] { b.X0, b.Y0, b.X1, b.Y1 } : null,
        points = prompt.Points.Select(p => new { x = p.X, y = p.Y, label = (int)p.Label }).ToArray(),
        none = prompt.IsEmpty,
    };

    /// <summary>One image on its way through the stages; each stage fills in what the next needs.</summary>
    private sealed class Work(SegmentJob job, string stem)
    {
        public SegmentJob Job { get; } = job;

        public string Stem { get; } = stem;

        /// <summary>The outputs: one mask per prompt, then the overlay, then the summary.</summary>
        public string[] Files { get; set; } = [];

        public bool Skipped { get; set; }

        /// <summary>The error that ended this image's work; later stages leave it alone.</summary>
        public Exception? Error { get; set; }

        public ImageBuffer Image { get; set; }

        public SegmentationResult[]? Results { get; set; }

        public TimeSpan EncodeTime { get; set; }
    }

    private sealed record Request(string[] Images, string[] Boxes, string[] Points, string? PromptsFile, string OutDir, MaskSelection Selection, bool SkipExisting, string? Shard);
}
