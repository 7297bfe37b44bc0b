using System.Diagnostics;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Baselines;

/// <summary>
/// A baseline "model" that needs no weights: the mask is the prompt's box filled, or the ellipse inscribed in it.
/// A model is worth shipping only where it clearly beats these. A pixel is foreground when its centre
/// (x + 0.5, y + 0.5) lies in the half-open box <c>[x0, x1) x [y0, y1)</c>, or inside or on the ellipse.
/// </summary>
/// <remarks>
/// Only box prompts make sense: a prompt without a box (points only, or none) throws <see cref="InvalidPromptException"/>;
/// points given with a box are ignored. The baseline reads no pixel: <see cref="CreateEmbedding"/> makes an embedding
/// from the image size alone, which is how the evaluation runner stays fast (it reads the size from the image header).
/// Safe to use from many threads.
/// </remarks>
public sealed class ShapeBaselineModel : ISegmentationModel
{
    /// <summary>Creates the baseline.</summary>
    /// <param name="shape">Box or ellipse.</param>
    public ShapeBaselineModel(BaselineShape shape)
    {
        Shape = shape;
        string name = shape == BaselineShape.Box ? "baseline-box" : "baseline-ellipse";
        Info = new ModelInfo
        {
            Name = name,
            Manifest = ModelManifest.SamDefaults with
            {
                Name = name,
                Family = "baseline",
                Provenance = shape == BaselineShape.Box ? "the prompt's box, filled" : "the ellipse inscribed in the prompt's box",
            },
            ExecutionProvider = "cpu",
            Fingerprint = "baseline:" + name,
            MaskCount = 1,
            ReadsPixels = false,
        };
    }

    /// <summary>The shape drawn.</summary>
    public BaselineShape Shape { get; }

    /// <inheritdoc/>
    public ModelInfo Info { get; }

    /// <summary>Parses <c>box</c> or <c>ellipse</c>.</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <returns>The baseline.</returns>
    /// <exception cref="FormatException">Another name.</exception>
    public static ShapeBaselineModel Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "box" => new ShapeBaselineModel(BaselineShape.Box),
            "ellipse" => new ShapeBaselineModel(BaselineShape.Ellipse),
            _ => throw new FormatException($"Expected a baseline 'ellipse' or 'box'; got '{name}'."),
        };
    }

    /// <summary>An embedding for an image of the given size; no pixel is needed.</summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <returns>The embedding (no values).</returns>
    public ImageEmbedding CreateEmbedding(int width, int height) => new(Info.Name, Info.Fingerprint, width, height, width, height, []);

    /// <inheritdoc/>
    public ImageEmbedding Encode(ImageBuffer image, CancellationToken cancellationToken = default) => CreateEmbedding(image.Width, image.Height);

    /// <inheritdoc/>
    public SegmentationResult Decode(ImageEmbedding embedding, SegmentationPrompt prompt, DecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(prompt);
        if (!string.Equals(embedding.ModelFingerprint, Info.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected an embedding made by this model ('{Info.Name}', {Info.Fingerprint}); got one made by '{embedding.ModelName}' ({embedding.ModelFingerprint}).", nameof(embedding));
        }

        long start = Stopwatch.GetTimestamp();
        int w = embedding.OriginalWidth, h = embedding.OriginalHeight;
        prompt.Validate(w, h);
        if (prompt.Box is not { } box)
        {
            throw new InvalidPromptException($"Expected a box prompt: the {Info.Name} baseline draws in the box; got {(prompt.IsEmpty ? "no prompt" : $"{prompt.Points.Count} point(s) and no box")}.");
        }

        BinaryMask mask = Draw(box, w, h);
        return new SegmentationResult
        {
            Mask = mask,
            PredictedIou = 1,
            StabilityScore = 1,
            Area = mask.Area,
            BoundingBox = mask.BoundingBox,
            LowResLogits = [],
            Elapsed = Stopwatch.GetElapsedTime(start),
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing native to release.
    }

    /// <inheritdoc/>
    public override string ToString() => Info.Name;

    private BinaryMask Draw(PromptBox box, int width, int height)
    {
        var mask = new BinaryMask(width, height);
        Span<byte> data = mask.Data;
        double cx = (box.X0 + (double)box.X1) / 2, cy = (box.Y0 + (double)box.Y1) / 2;
        double rx = (box.X1 - (double)box.X0) / 2, ry = (box.Y1 - (double)box.Y0) / 2;
        int yStart = Math.Max(0, (int)Math.Floor(box.Y0 - 0.5)), yEnd = Math.Min(height - 1, (int)Math.Ceiling(box.Y1));
        for (int y = yStart; y <= yEnd; y++)
        {
            double py = y + 0.5;
            if (py < box.Y0 || py >= box.Y1)
            {
                continue;
            }

            // Columns whose centre is in [x0, x1), and for the ellipse within the chord at this row.
            double left = box.X0, right = box.X1;
            bool closedRight = false;
            if (Shape == BaselineShape.Ellipse)
            {
                double t = (py - cy) / ry;
                double half = rx * Math.Sqrt(Math.Max(0, 1 - (t * t)));
                left = cx - half;
                right = cx + half;
                closedRight = true;
            }

            int x0 = Math.Max(0, (int)Math.Ceiling(left - 0.5));
            int x1 = closedRight ? (int)Math.Floor(right - 0.5) : (int)Math.Ceiling(right - 0.5) - 1;
            x1 = Math.Min(width - 1, x1);
            if (x1 >= x0)
            {
                data.Slice((y * width) + x0, x1 - x0 + 1).Fill(1);
            }
        }

        return mask;
    }
}
