using System.Buffers;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Postprocessing;
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

    /// <summary>
    /// Whether a model with the low-level decode (<see cref="ILowResDecoder"/>) is decoded through it; false sends every
    /// model through <see cref="ISegmentationModel.DecodeBatch"/>'s full results, the path of models without it (the
    /// tests and the benchmark compare the two).
    /// </summary>
    internal bool UseLowResDecode { get; init; } = true;

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
        ImageBuffer cropped = cw == w && ch == h
            ? image
            : new ImageBuffer(image.Pixels[((crop.Y0 * image.Stride) + (crop.X0 * image.BytesPerPixel))..], cw, ch, image.Format, image.Stride);
        int n = CropLayout.PointsPerSide(o.PointsPerSide, o.CropNPointsDownscaleFactor, crop.Layer);
        (double X, double Y)[] points = CropLayout.Points(n, cw, ch);
        var decode = new DecodeOptions { MultimaskOutput = true, StabilityOffset = (float)o.StabilityScoreOffset };
        var scan = new CropScan(this, cropRect, w, h, points);
        using ImageEmbedding embedding = _model.Encode(cropped, cancellationToken);
        ILowResDecoder? lowRes = UseLowResDecode ? _model as ILowResDecoder : null;

        // The one original-size buffer of the crop: every candidate that passes the predicted-IoU filter is
        // thresholded into it, scored, and encoded from it (pooled; nothing original-size is allocated per point).
        byte[]? scratch = lowRes is null ? null : ArrayPool<byte>.Shared.Rent(cw * ch);
        try
        {
            LowResCandidatesHandler? handler = lowRes is null ? null : (prompt, iou, logits) =>
            {
                Span<byte> mask = scratch.AsSpan(0, cw * ch);
                int k = iou.Length, length = logits.Length / k;
                for (int m = FirstCandidate(k); m < k; m++)
                {
                    if (!scan.PassesIou(iou[m]))
                    {
                        continue;
                    }

                    (int aboveLow, int aboveHigh) = lowRes.ThresholdCandidate(logits.Slice(m * length, length), embedding.Frame, decode, mask);
                    scan.Offer(mask, iou[m], StabilityScore.FromCounts(aboveLow, aboveHigh), prompt);
                }
            };

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

                scan.BatchStart = start;
                if (lowRes is not null)
                {
                    lowRes.DecodeLowRes(embedding, prompts, decode, handler!, cancellationToken);
                    continue;
                }

                // A model without the low-level path: its full results, filtered in the same order.
                IReadOnlyList<SegmentationResult> results = _model.DecodeBatch(embedding, prompts, decode, cancellationToken);
                for (int i = 0; i < count; i++)
                {
                    IReadOnlyList<MaskCandidate> candidates = results[i].Candidates;
                    for (int m = FirstCandidate(candidates.Count); m < candidates.Count; m++)
                    {
                        MaskCandidate c = candidates[m];
                        if (scan.PassesIou(c.PredictedIou))
                        {
                            scan.Offer(c.Mask.Data, c.PredictedIou, c.StabilityScore, i);
                        }
                    }
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return scan.Found;
    }

    // From a multimask decoder (four masks) the three multimask candidates, 1 to 3; else all of them.
    private static int FirstCandidate(int count) => count == 4 ? 1 : 0;

    // One crop's filters after the predicted-IoU one, in the reference's order (stability, crop edge), and the kept
    // candidates: a kept mask costs its COCO RLE (its runs) and nothing else.
    private sealed class CropScan(AutomaticMaskGenerator owner, PixelRect crop, int imageWidth, int imageHeight, (double X, double Y)[] points)
    {
        private readonly float _iouThreshold = (float)owner.Options.PredIouThresh;
        private readonly float _stabilityThreshold = (float)owner.Options.StabilityScoreThresh;
        private readonly bool _filterIou = owner.Options.PredIouThresh > 0;
        private readonly bool _filterStability = owner.Options.StabilityScoreThresh > 0;
        private readonly bool _whole = crop.Width == imageWidth && crop.Height == imageHeight;

        public List<Candidate> Found { get; } = [];

        // The index of the batch's first point.
        public int BatchStart { get; set; }

        public bool PassesIou(float predictedIou) => !_filterIou || predictedIou > _iouThreshold;

        public void Offer(ReadOnlySpan<byte> mask, float predictedIou, float stability, int prompt)
        {
            if (_filterStability && !(stability >= _stabilityThreshold))
            {
                return;
            }

            (int X0, int Y0, int X1, int Y1) local = MaskExtent.Of(mask, crop.Width, crop.Height);
            (int X0, int Y0, int X1, int Y1) box = (local.X0 + crop.X, local.Y0 + crop.Y, local.X1 + crop.X, local.Y1 + crop.Y);
            if (!_whole && NearCropEdge(box, crop, imageWidth, imageHeight))
            {
                return;
            }

            CocoRle rle = CocoRle.EncodeRegion(mask, crop.Width, crop.Height, crop.X, crop.Y, imageWidth, imageHeight, local);
            (double X, double Y) point = points[BatchStart + prompt];
            Found.Add(new Candidate(rle, box, predictedIou, stability, point.X + crop.X, point.Y + crop.Y, crop));
        }
    }

    private sealed record Candidate(CocoRle Rle, (int X0, int Y0, int X1, int Y1) Box, float Iou, float Stability, double PointX, double PointY, PixelRect Crop);
}
