using System.Buffers;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Automatic;

/// <summary>
/// "Segment everything": segment_anything's <c>SamAutomaticMaskGenerator</c> over any <see cref="ISegmentationModel"/>.
/// A grid of single positive points is decoded per crop, the candidates are filtered by predicted IoU and stability,
/// de-duplicated by box NMS, optionally cleaned of small holes and islands, and returned in the reference's order
/// (descending predicted IoU for a single crop).
/// </summary>
/// <remarks>
/// Equal to the published algorithm on the same model: a mask-for-mask test checks it against
/// <c>tools/amg/reference_amg.py</c>. The differences of definition: NMS orders equal scores stably (torchvision does not
/// promise an order), and components of the small-region pass are labelled in raster order. From a multimask decoder
/// (four masks) the three multimask candidates (indices 1 to 3) are used, as SAM's <c>multimask_output=True</c> does;
/// from a model with another number of candidates, all of them. Safe to call from many threads at once (the model is).
/// </remarks>
public sealed class AutomaticMaskGenerator
{
    // segment_anything's is_box_near_crop_edge tolerance, in pixels.
    private const double CropEdgeTolerance = 20.0;

    private readonly ISegmentationModel _model;

    /// <summary>Creates the generator.</summary>
    /// <param name="model">The model; the generator does not dispose it.</param>
    /// <param name="options">The parameters; null for the published defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AutomaticMaskGenerator(ISegmentationModel model, AutomaticMaskGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= AutomaticMaskGeneratorOptions.Default;
        options.Validate();
        _model = model;
        Options = options;
    }

    /// <summary>The parameters.</summary>
    public AutomaticMaskGeneratorOptions Options { get; }

    /// <summary>Finds every mask in the image.</summary>
    /// <param name="image">The image; read during the call only.</param>
    /// <param name="cancellationToken">Stops between decoder runs (and inside a running encoder).</param>
    /// <returns>The masks, in the reference algorithm's order.</returns>
    /// <exception cref="ArgumentException">The image is empty.</exception>
    public IReadOnlyList<GeneratedMask> Generate(ImageBuffer image, CancellationToken cancellationToken = default)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("Expected an image of at least 1x1 pixels; got an empty ImageBuffer (the default value).", nameof(image));
        }

        AutomaticMaskGeneratorOptions o = Options;
        int w = image.Width, h = image.Height;
        List<(int X0, int Y0, int X1, int Y1, int Layer)> crops = CropLayout.Boxes(w, h, o.CropNLayers, o.CropOverlapRatio);
        var all = new List<Candidate>();
        foreach ((int X0, int Y0, int X1, int Y1, int Layer) crop in crops)
        {
            List<Candidate> found = ProcessCrop(image, crop, cancellationToken);
            int[] keep = BoxNms.Run(found.Select(c => c.Box).ToArray(), found.Select(c => c.Iou).ToArray(), o.BoxNmsThresh);
            all.AddRange(keep.Select(i => found[i]));
        }

        if (crops.Count > 1)
        {
            float[] scores = all.Select(c => (float)(1.0 / ((double)c.Crop.Width * c.Crop.Height))).ToArray();
            int[] keep = BoxNms.Run(all.Select(c => c.Box).ToArray(), scores, o.CropNmsThresh);
            all = [.. keep.Select(i => all[i])];
        }

        if (o.MinMaskRegionArea > 0)
        {
            all = RemoveSmallRegions(all, w, h, o.MinMaskRegionArea, Math.Max(o.BoxNmsThresh, o.CropNmsThresh));
        }

        var result = new GeneratedMask[all.Count];
        for (int i = 0; i < all.Count; i++)
        {
            Candidate c = all[i];
            result[i] = new GeneratedMask(
                c.Rle,
                o.OutputMode == AutomaticMaskOutputMode.BinaryMask ? c.Rle.ToMask() : null,
                c.Rle.Area,
                (c.Box.X0, c.Box.Y0, c.Box.X1 - c.Box.X0, c.Box.Y1 - c.Box.Y0),
                c.Iou,
                c.Stability,
                c.PointX,
                c.PointY,
                c.Crop);
        }

        return result;
    }

    private static bool NearCropEdge((int X0, int Y0, int X1, int Y1) box, PixelRect crop, int w, int h)
    {
        // The box is already in image coordinates; an edge counts when it is within the tolerance of the crop's edge
        // and not of the image's.
        ReadOnlySpan<double> b = [box.X0, box.Y0, box.X1, box.Y1];
        ReadOnlySpan<double> c = [crop.X, crop.Y, crop.Right, crop.Bottom];
        ReadOnlySpan<double> img = [0, 0, w, h];
        for (int k = 0; k < 4; k++)
        {
            if (Math.Abs(b[k] - c[k]) <= CropEdgeTolerance && !(Math.Abs(b[k] - img[k]) <= CropEdgeTolerance))
            {
                return true;
            }
        }

        return false;
    }

    private static List<Candidate> RemoveSmallRegions(List<Candidate> all, int w, int h, int area, double threshold)
    {
        var boxes = new (int X0, int Y0, int X1, int Y1)[all.Count];
        var scores = new float[all.Count];
        var changedRles = new CocoRle?[all.Count];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(w * h);
        try
        {
            Span<byte> mask = buffer.AsSpan(0, w * h);
            for (int i = 0; i < all.Count; i++)
            {
                all[i].Rle.Decode(mask);
                bool changed = SmallRegionRemoval.Apply(mask, w, h, area);
                scores[i] = changed ? 0f : 1f;
                boxes[i] = changed ? MaskExtent.Of(mask, w, h) : all[i].Box;
                changedRles[i] = changed ? CocoRle.Encode(mask, w, h) : null;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        int[] keep = BoxNms.Run(boxes, scores, threshold);
        return [.. keep.Select(i => changedRles[i] is { } rle ? all[i] with { Rle = rle, Box = boxes[i] } : all[i])];
    }

    private List<Candidate> ProcessCrop(ImageBuffer image, (int X0, int Y0, int X1, int Y1, int Layer) crop, CancellationToken cancellationToken)
    {
        AutomaticMaskGeneratorOptions o = Options;
        int w = image.Width, h = image.Height;
        int cw = crop.X1 - crop.X0, ch = crop.Y1 - crop.Y0;
        var cropRect = new PixelRect(crop.X0, crop.Y0, cw, ch);
        bool whole = cw == w && ch == h;
        ImageBuffer cropped = whole
            ? image
            : new ImageBuffer(image.Pixels[((crop.Y0 * image.Stride) + (crop.X0 * image.BytesPerPixel))..], cw, ch, image.Format, image.Stride);
        int n = CropLayout.PointsPerSide(o.PointsPerSide, o.CropNPointsDownscaleFactor, crop.Layer);
        (double X, double Y)[] points = CropLayout.Points(n, cw, ch);
        var decode = new DecodeOptions { MultimaskOutput = true, StabilityOffset = (float)o.StabilityScoreOffset };
        float iouThreshold = (float)o.PredIouThresh;
        float stabilityThreshold = (float)o.StabilityScoreThresh;
        var found = new List<Candidate>();
        byte[]? full = whole ? null : ArrayPool<byte>.Shared.Rent(w * h);
        try
        {
            using ImageEmbedding embedding = _model.Encode(cropped, cancellationToken);
            var prompts = new List<SegmentationPrompt>(o.PointsPerBatch);
            for (int start = 0; start < points.Length; start += o.PointsPerBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(o.PointsPerBatch, points.Length - start);
                prompts.Clear();
                for (int i = 0; i < count; i++)
                {
                    prompts.Add(SegmentationPrompt.FromPoint((float)points[start + i].X, (float)points[start + i].Y));
                }

                IReadOnlyList<SegmentationResult> results = _model.DecodeBatch(embedding, prompts, decode, cancellationToken);
                for (int i = 0; i < count; i++)
                {
                    IReadOnlyList<MaskCandidate> candidates = results[i].Candidates;
                    int first = candidates.Count == 4 ? 1 : 0;
                    for (int m = first; m < candidates.Count; m++)
                    {
                        MaskCandidate c = candidates[m];
                        if (o.PredIouThresh > 0 && !(c.PredictedIou > iouThreshold))
                        {
                            continue;
                        }

                        if (o.StabilityScoreThresh > 0 && !(c.StabilityScore >= stabilityThreshold))
                        {
                            continue;
                        }

                        (int X0, int Y0, int X1, int Y1) local = MaskExtent.Of(c.Mask.Data, cw, ch);
                        (int X0, int Y0, int X1, int Y1) box = (local.X0 + crop.X0, local.Y0 + crop.Y0, local.X1 + crop.X0, local.Y1 + crop.Y0);
                        if (!whole && NearCropEdge(box, cropRect, w, h))
                        {
                            continue;
                        }

                        CocoRle rle;
                        if (whole)
                        {
                            rle = CocoRle.Encode(c.Mask.Data, w, h);
                        }
                        else
                        {
                            Span<byte> target = full.AsSpan(0, w * h);
                            target.Clear();
                            ReadOnlySpan<byte> source = c.Mask.Data;
                            for (int y = 0; y < ch; y++)
                            {
                                source.Slice(y * cw, cw).CopyTo(target.Slice(((crop.Y0 + y) * w) + crop.X0, cw));
                            }

                            rle = CocoRle.Encode(target, w, h);
                        }

                        found.Add(new Candidate(rle, box, c.PredictedIou, c.StabilityScore, points[start + i].X + crop.X0, points[start + i].Y + crop.Y0, cropRect));
                    }
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                ArrayPool<byte>.Shared.Return(full);
            }
        }

        return found;
    }

    private sealed record Candidate(CocoRle Rle, (int X0, int Y0, int X1, int Y1) Box, float Iou, float Stability, double PointX, double PointY, PixelRect Crop);
}
