using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SkinSam.Sdk;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;
using Spectre.Console;

namespace SkinSam.Cli.Commands;

/// <summary><c>skinsam segment IMAGE... [--box] [--point]... [--model DIR] [--out DIR]</c>.</summary>
internal static class SegmentCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var common = new CommonOptions();
        var images = new Argument<string[]>("images")
        {
            Description = "Image files, folders of images, or globs such as 'scans/*.jpg'.",
            Arity = ArgumentArity.OneOrMore,
        };
        var box = new Option<string?>("--box") { Description = "Box prompt x0,y0,x1,y1 in image pixels." };
        var points = new Option<string[]>("--point")
        {
            Description = "Point prompt x,y[,label] in image pixels; label 1 = lesion (default), 0 = background. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Output folder for <stem>.mask.png, <stem>.overlay.png and <stem>.json.",
            DefaultValueFactory = _ => "out",
        };
        var skipExisting = new Option<bool>("--skip-existing")
        {
            Description = "Skip an image whose <stem>.json (written last, atomically) already exists in the output folder: resume an interrupted run.",
        };
        var selection = new Option<MaskSelection>("--selection")
        {
            Description = "Which candidate mask to keep: OfficialOnnx (default), PredictorFirstMask, HighestPredictedIou.",
            DefaultValueFactory = _ => MaskSelection.OfficialOnnx,
        };

        var command = new Command("segment", "Segment the lesion in dermoscopic images and write the mask, an overlay and a JSON summary. With no --box or --point the model's no-prompt mode is used.");
        command.Arguments.Add(images);
        command.Options.Add(box);
        command.Options.Add(points);
        command.Options.Add(output);
        command.Options.Add(selection);
        command.Options.Add(skipExisting);
        common.AddTo(command);
        var everything = new SegmentEverythingCommand();
        everything.AddTo(command);

        command.SetAction((result, cancellationToken) => Task.FromResult(result.GetValue(everything.Everything)
            ? everything.Run(result, result.GetValue(images) ?? [], result.GetValue(box) is not null || (result.GetValue(points) ?? []).Length > 0, result.GetValue(output)!, common.ModelFolder(result), common.ModelOptions(result), cancellationToken)
            : Run(
            result.GetValue(images) ?? [],
            result.GetValue(box),
            result.GetValue(points) ?? [],
            result.GetValue(output)!,
            result.GetValue(selection),
            result.GetValue(skipExisting),
            common.ModelFolder(result),
            common.ModelOptions(result),
            cancellationToken)));
        return command;
    }

    private static int Run(string[] imageArgs, string? boxText, string[] pointTexts, string outDir, MaskSelection selection, bool skipExisting, string modelFolder, ModelOptions modelOptions, CancellationToken cancellationToken)
    {
        SegmentationPrompt prompt;
        IReadOnlyList<string> files;
        try
        {
            prompt = new SegmentationPrompt
            {
                Box = boxText is null ? null : PromptSyntax.ParseBox(boxText),
                Points = pointTexts.Select(PromptSyntax.ParsePoint).ToArray(),
            };
            files = InputFiles.Expand(imageArgs);
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"error: expected at least one image; got none in {string.Join(", ", imageArgs)}.");
                return ExitCodes.UsageError;
            }
        }
        catch (Exception ex) when (ex is FormatException or FileNotFoundException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }

        SamOnnxModel model;
        try
        {
            model = SamOnnxModel.Load(modelFolder, modelOptions);
        }
        catch (SkinSamException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.ModelError;
        }

        using (model)
        {
            if (prompt.IsEmpty && !model.Info.SupportsNoPrompt)
            {
                Console.Error.WriteLine($"error: model '{model.Info.Name}' needs a prompt; give --box x0,y0,x1,y1 or --point x,y.");
                return ExitCodes.UsageError;
            }

            foreach (var attempt in model.Info.ProviderAttempts.Where(a => !a.Succeeded))
            {
                Console.Error.WriteLine($"warning: provider {attempt.Provider} skipped: {attempt.Reason}");
            }

            Directory.CreateDirectory(outDir);
            AtomicFile.DeleteStaleTemporaries(outDir); // left by a run killed in the middle of a write
            var options = new DecodeOptions { Selection = selection };
            int failures = 0;
            void ProcessOne(string file)
            {
                if (skipExisting && File.Exists(Path.Combine(outDir, Path.GetFileNameWithoutExtension(file)) + ".json"))
                {
                    return;
                }

                try
                {
                    SegmentOne(model, file, prompt, options, outDir, cancellationToken);
                }
                catch (Exception ex) when (ex is ImageDecodeException or InvalidPromptException or ModelOutputException or IOException)
                {
                    failures++;
                    Console.Error.WriteLine($"error: {file}: {ex.Message}");
                }
            }

            try
            {
                if (files.Count == 1 || Console.IsOutputRedirected)
                {
                    foreach (string file in files)
                    {
                        ProcessOne(file);
                        Console.WriteLine($"{file} -> {Path.Combine(outDir, Path.GetFileNameWithoutExtension(file))}.mask.png");
                    }
                }
                else
                {
                    AnsiConsole.Progress().Start(ctx =>
                    {
                        ProgressTask task = ctx.AddTask("segmenting", maxValue: files.Count);
                        foreach (string file in files)
                        {
                            ProcessOne(file);
                            task.Increment(1);
                        }
                    });
                    Console.WriteLine($"{files.Count - failures} of {files.Count} images segmented into {outDir}");
                }
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
        }
    }

    private static void SegmentOne(SamOnnxModel model, string file, SegmentationPrompt prompt, DecodeOptions options, string outDir, CancellationToken cancellationToken)
    {
        ImageBuffer image = ImageFile.Load(file);
        long start = Stopwatch.GetTimestamp();
        using ImageEmbedding embedding = model.Encode(image, cancellationToken);
        TimeSpan encodeTime = Stopwatch.GetElapsedTime(start);
        SegmentationResult result = model.Decode(embedding, prompt, options, cancellationToken);
        string stem = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file));
        MaskImage.SavePng(result.Mask, stem + ".mask.png");
        MaskImage.SaveOverlay(image, result.Mask, stem + ".overlay.png");
        var summary = new
        {
            image = Path.GetFullPath(file),
            width = image.Width,
            height = image.Height,
            model = model.Info.Name,
            provider = model.Info.ExecutionProvider,
            prompt = new
            {
                box = prompt.Box is { } b ? new[] { b.X0, b.Y0, b.X1, b.Y1 } : null,
                points = prompt.Points.Select(p => new { x = p.X, y = p.Y, label = (int)p.Label }).ToArray(),
                none = prompt.IsEmpty,
            },
            maskIndex = result.MaskIndex,
            selection = result.Selection.ToString(),
            score = result.PredictedIou,
            stability = result.StabilityScore,
            area = result.Area,
            boundingBox = new { x = result.BoundingBox.X, y = result.BoundingBox.Y, width = result.BoundingBox.Width, height = result.BoundingBox.Height },
            timing = new { encodeMs = encodeTime.TotalMilliseconds, decodeMs = result.Elapsed.TotalMilliseconds },
        };
        AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(summary, JsonOptions) + "\n");
    }
}
