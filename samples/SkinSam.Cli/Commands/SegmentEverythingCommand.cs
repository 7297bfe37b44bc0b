using System.CommandLine;
using System.Text;
using System.Text.Json;
using SkinSam.Sdk;
using SkinSam.Sdk.Automatic;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Cli.Commands;

/// <summary>
/// <c>skinsam segment IMAGE... --everything [generator options]</c>: every mask of each image (segment_anything's
/// automatic mask generator), written as <c>&lt;stem&gt;.everything.json</c> in the format of the official
/// <c>scripts/amg.py --output-mode coco_rle</c> (a JSON list of annotations with compressed COCO RLE) and
/// <c>&lt;stem&gt;.everything.png</c>, an overlay with one colour per mask.
/// </summary>
internal sealed class SegmentEverythingCommand
{
    private static readonly AutomaticMaskGeneratorOptions Defaults = AutomaticMaskGeneratorOptions.Default;

    public Option<bool> Everything { get; } = new("--everything") { Description = "Segment everything: every mask the automatic mask generator finds (no prompt); writes <stem>.everything.json (COCO RLE, as segment_anything's amg.py) and <stem>.everything.png, e.g. --everything." };

    public Option<int> PointsPerSide { get; } = new("--points-per-side") { Description = "With --everything: grid points per side. Default: 32, e.g. --points-per-side 16.", DefaultValueFactory = _ => Defaults.PointsPerSide };

    public Option<int> PointsPerBatch { get; } = new("--points-per-batch") { Description = "With --everything: points per decoder batch. Default: 64, e.g. --points-per-batch 128.", DefaultValueFactory = _ => Defaults.PointsPerBatch };

    public Option<double> PredIouThresh { get; } = new("--pred-iou-thresh") { Description = "With --everything: keep masks with predicted IoU above this. Default: 0.88, e.g. --pred-iou-thresh 0.8.", DefaultValueFactory = _ => Defaults.PredIouThresh };

    public Option<double> StabilityScoreThresh { get; } = new("--stability-score-thresh") { Description = "With --everything: keep masks with stability at least this. Default: 0.95, e.g. --stability-score-thresh 0.9.", DefaultValueFactory = _ => Defaults.StabilityScoreThresh };

    public Option<double> StabilityScoreOffset { get; } = new("--stability-score-offset") { Description = "With --everything: logit offset of the stability score. Default: 1.0, e.g. --stability-score-offset 0.5.", DefaultValueFactory = _ => Defaults.StabilityScoreOffset };

    public Option<double> BoxNmsThresh { get; } = new("--box-nms-thresh") { Description = "With --everything: box IoU for NMS within a crop. Default: 0.7, e.g. --box-nms-thresh 0.5.", DefaultValueFactory = _ => Defaults.BoxNmsThresh };

    public Option<int> CropNLayers { get; } = new("--crop-n-layers") { Description = "With --everything: crop layers beyond the whole image. Default: 0, e.g. --crop-n-layers 1.", DefaultValueFactory = _ => Defaults.CropNLayers };

    public Option<double> CropNmsThresh { get; } = new("--crop-nms-thresh") { Description = "With --everything: box IoU for NMS across crops. Default: 0.7, e.g. --crop-nms-thresh 0.5.", DefaultValueFactory = _ => Defaults.CropNmsThresh };

    public Option<double> CropOverlapRatio { get; } = new("--crop-overlap-ratio") { Description = "With --everything: crop overlap ratio. Default: 512/1500, e.g. --crop-overlap-ratio 0.25.", DefaultValueFactory = _ => Defaults.CropOverlapRatio };

    public Option<int> CropNPointsDownscaleFactor { get; } = new("--crop-n-points-downscale-factor") { Description = "With --everything: point grid downscale per crop layer. Default: 1, e.g. --crop-n-points-downscale-factor 2.", DefaultValueFactory = _ => Defaults.CropNPointsDownscaleFactor };

    public Option<int> MinMaskRegionArea { get; } = new("--min-mask-region-area") { Description = "With --everything: remove holes and islands smaller than this (pixels). Default: 0 (off), e.g. --min-mask-region-area 100.", DefaultValueFactory = _ => Defaults.MinMaskRegionArea };

    private IEnumerable<Option> All =>
    [
        Everything, PointsPerSide, PointsPerBatch, PredIouThresh, StabilityScoreThresh, StabilityScoreOffset, BoxNmsThresh,
        CropNLayers, CropNmsThresh, CropOverlapRatio, CropNPointsDownscaleFactor, MinMaskRegionArea,
    ];

    public void AddTo(Command command)
    {
        OptionRules.InRange(PointsPerSide, 1, 1024);
        OptionRules.InRange(PointsPerBatch, 1, 4096);
        OptionRules.InRange(PredIouThresh, 0, 1);
        OptionRules.InRange(StabilityScoreThresh, 0, 1);
        OptionRules.InRange(StabilityScoreOffset, 0, double.MaxValue);
        OptionRules.InRange(BoxNmsThresh, 0, 1);
        OptionRules.InRange(CropNLayers, 0, 4);
        OptionRules.InRange(CropNmsThresh, 0, 1);
        OptionRules.InRange(CropOverlapRatio, 0, 0.999999);
        OptionRules.InRange(CropNPointsDownscaleFactor, 1, 64);
        OptionRules.InRange(MinMaskRegionArea, 0, int.MaxValue);
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    public AutomaticMaskGeneratorOptions Options(ParseResult result) => new()
    {
        PointsPerSide = result.GetValue(PointsPerSide),
        PointsPerBatch = result.GetValue(PointsPerBatch),
        PredIouThresh = result.GetValue(PredIouThresh),
        StabilityScoreThresh = result.GetValue(StabilityScoreThresh),
        StabilityScoreOffset = result.GetValue(StabilityScoreOffset),
        BoxNmsThresh = result.GetValue(BoxNmsThresh),
        CropNLayers = result.GetValue(CropNLayers),
        CropNmsThresh = result.GetValue(CropNmsThresh),
        CropOverlapRatio = result.GetValue(CropOverlapRatio),
        CropNPointsDownscaleFactor = result.GetValue(CropNPointsDownscaleFactor),
        MinMaskRegionArea = result.GetValue(MinMaskRegionArea),
        OutputMode = AutomaticMaskOutputMode.BinaryMask,
    };

    public int Run(CliOutput output, ParseResult result, string[] imageArgs, bool hasPrompt, string outDir, string modelFolder, Func<ModelOptions> modelOptions, CancellationToken cancellationToken)
    {
        AutomaticMaskGeneratorOptions options;
        IReadOnlyList<string> files;
        try
        {
            if (hasPrompt)
            {
                throw new FormatException("expected no --box or --point with --everything (it prompts with a grid of points); got a prompt.");
            }

            options = Options(result);
            options.Validate();
            files = InputFiles.Expand(imageArgs, output);
            if (files.Count == 0)
            {
                throw new FormatException($"expected at least one image; got none in {string.Join(", ", imageArgs)}.");
            }
        }
        catch (Exception ex) when (ex is FormatException or FileNotFoundException or ArgumentException)
        {
            throw new CliUsageException(ex.Message);
        }

        ISegmentationModel model;
        try
        {
            model = SegmentationModels.Load(modelFolder, modelOptions());
        }
        catch (SkinSamException ex)
        {
            output.Fail(ex.Message);
            return ExitCodes.ModelError;
        }

        using (model)
        {
            Directory.CreateDirectory(outDir);
            AtomicFile.DeleteStaleTemporaries(outDir);
            var generator = new AutomaticMaskGenerator(model, options);
            int failures = 0;
            try
            {
                foreach (string file in files)
                {
                    try
                    {
                        string stem = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file));
                        int count = SegmentOne(generator, file, stem, cancellationToken);
                        output.Out.WriteLine($"{file} -> {stem}.everything.json ({count} masks), {stem}.everything.png");
                    }
                    catch (Exception ex) when (ex is ImageDecodeException or ModelOutputException or IOException or UnauthorizedAccessException)
                    {
                        failures++;
                        output.Fail($"{file}: {ex.Message}");
                    }
                }
            }
            catch (OperationCanceledException)
            {
                output.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
        }
    }

    /// <summary>The official amg.py coco_rle JSON: a list of annotations, keys in its order.</summary>
    internal static string ToAmgJson(IReadOnlyList<GeneratedMask> masks, int width, int height)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (GeneratedMask m in masks)
            {
                json.WriteStartObject();
                json.WritePropertyName("segmentation");
                json.WriteStartObject();
                json.WritePropertyName("size");
                json.WriteStartArray();
                json.WriteNumberValue(height);
                json.WriteNumberValue(width);
                json.WriteEndArray();
                json.WriteString("counts", m.Rle.ToCompressedString());
                json.WriteEndObject();
                json.WriteNumber("area", m.Area);
                json.WritePropertyName("bbox");
                WriteInts(json, m.Bbox.X, m.Bbox.Y, m.Bbox.W, m.Bbox.H);
                json.WriteNumber("predicted_iou", (double)m.PredictedIou);
                json.WritePropertyName("point_coords");
                json.WriteStartArray();
                json.WriteStartArray();
                json.WriteNumberValue(m.PointX);
                json.WriteNumberValue(m.PointY);
                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteNumber("stability_score", (double)m.StabilityScore);
                json.WritePropertyName("crop_box");
                WriteInts(json, m.CropBox.X, m.CropBox.Y, m.CropBox.Width, m.CropBox.Height);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteInts(Utf8JsonWriter json, params int[] values)
    {
        json.WriteStartArray();
        foreach (int v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }

    private static int SegmentOne(AutomaticMaskGenerator generator, string file, string stem, CancellationToken cancellationToken)
    {
        ImageBuffer image = ImageFile.Load(file);
        IReadOnlyList<GeneratedMask> masks = generator.Generate(image, cancellationToken);
        LabelOverlay.Save(image, [.. masks.Select(m => m.Mask!)], stem + ".everything.png");
        AtomicFile.WriteAllText(stem + ".everything.json", ToAmgJson(masks, image.Width, image.Height) + "\n");
        return masks.Count;
    }
}
