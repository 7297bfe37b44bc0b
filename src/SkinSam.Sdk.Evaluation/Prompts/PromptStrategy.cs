using System.Globalization;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Metrics;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>
/// Derives the prompt of an image from its ground-truth mask, as the SkinSAM / MedSAM evaluation protocol does.
/// Random strategies draw from a generator seeded with <see cref="Seed"/> and the image id only, so a prompt does not
/// depend on the order, sharding or parallelism of a run.
/// </summary>
/// <remarks>
/// Coordinates are original-image pixels. Boxes use the SDK's convention by default (edges between pixels: the tight
/// box of pixels <c>minX..maxX</c> is <c>[minX, maxX + 1)</c>, <see cref="BoxConvention.PixelEdges"/>); the <c>-sam</c>
/// names use SAM's and MedSAM's <c>[minX, minY, maxX, maxY]</c> (<see cref="BoxConvention.PixelIndices"/>). Points are
/// pixel indices (SAM adds the half-pixel itself).
/// </remarks>
public sealed class PromptStrategy
{
    /// <summary>Largest outward move of a box side under <see cref="PromptStrategyKind.BoxJitter"/>, in pixels of the 1024 frame.</summary>
    public const int MaxJitter1024 = 20;

    /// <summary>The side of SAM's input frame that the jitter is measured in.</summary>
    public const int ModelFrame = SkinSam.Sdk.Preprocessing.SamPreprocessor.DefaultTargetSize;

    private PromptStrategy(PromptStrategyKind kind, int pointCount, ulong seed, BoxConvention boxConvention = BoxConvention.PixelEdges)
    {
        Kind = kind;
        PointCount = pointCount;
        Seed = seed;
        BoxConvention = boxConvention;
    }

    /// <summary>The strategy.</summary>
    public PromptStrategyKind Kind { get; }

    /// <summary>K of <c>points:K</c>; 1 for <c>center</c>, 0 otherwise.</summary>
    public int PointCount { get; }

    /// <summary>The global seed of the random strategies.</summary>
    public ulong Seed { get; }

    /// <summary>How the box strategies turn the ground truth's extreme pixels into a box; ignored by the others.</summary>
    public BoxConvention BoxConvention { get; }

    /// <summary>The command-line name: <c>box</c>, <c>box-sam</c>, <c>box-jitter</c>, <c>box-jitter-sam</c>, <c>center</c>, <c>points:K</c> or <c>none</c>.</summary>
    public string Name => Kind switch
    {
        PromptStrategyKind.Box => BoxConvention == BoxConvention.PixelIndices ? "box-sam" : "box",
        PromptStrategyKind.BoxJitter => BoxConvention == BoxConvention.PixelIndices ? "box-jitter-sam" : "box-jitter",
        PromptStrategyKind.Center => "center",
        PromptStrategyKind.Points => string.Create(CultureInfo.InvariantCulture, $"points:{PointCount}"),
        _ => "none",
    };

    /// <summary>True when the strategy draws random numbers (so the seed matters).</summary>
    public bool IsRandom => Kind is PromptStrategyKind.BoxJitter or PromptStrategyKind.Points;

    /// <summary>The tight box strategy.</summary>
    public static PromptStrategy Box { get; } = new(PromptStrategyKind.Box, 0, 0);

    /// <summary>The tight box strategy in SAM's and MedSAM's convention, <c>[minX, minY, maxX, maxY]</c>.</summary>
    public static PromptStrategy SamBox { get; } = new(PromptStrategyKind.Box, 0, 0, BoxConvention.PixelIndices);

    /// <summary>The centre point strategy.</summary>
    public static PromptStrategy Center { get; } = new(PromptStrategyKind.Center, 1, 0);

    /// <summary>The no-prompt strategy.</summary>
    public static PromptStrategy None { get; } = new(PromptStrategyKind.None, 0, 0);

    /// <summary>The jittered box strategy.</summary>
    /// <param name="seed">The global seed.</param>
    /// <returns>The strategy.</returns>
    public static PromptStrategy BoxJitter(ulong seed) => new(PromptStrategyKind.BoxJitter, 0, seed);

    /// <summary>The jittered box strategy in a given box convention.</summary>
    /// <param name="seed">The global seed.</param>
    /// <param name="convention">The tight box the jitter starts from.</param>
    /// <returns>The strategy.</returns>
    public static PromptStrategy BoxJitter(ulong seed, BoxConvention convention)
    {
        if (!Enum.IsDefined(convention))
        {
            throw new ArgumentOutOfRangeException(nameof(convention), convention, $"Expected a defined {nameof(Prompts.BoxConvention)}; got {(int)convention}.");
        }

        return new(PromptStrategyKind.BoxJitter, 0, seed, convention);
    }

    /// <summary>The K random interior points strategy.</summary>
    /// <param name="count">K, at least 1.</param>
    /// <param name="seed">The global seed.</param>
    /// <returns>The strategy.</returns>
    public static PromptStrategy Points(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new(PromptStrategyKind.Points, count, seed);
    }

    /// <summary>Parses a command-line name: <c>box</c>, <c>box-sam</c>, <c>box-jitter</c>, <c>box-jitter-sam</c>, <c>center</c>, <c>points:K</c>, <c>none</c>.</summary>
    /// <param name="text">The name.</param>
    /// <param name="seed">The global seed for the random strategies.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="FormatException">The name is not a strategy, or K is not a positive integer.</exception>
    public static PromptStrategy Parse(string text, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "box":
                return Box;
            case "box-sam":
                return SamBox;
            case "box-jitter":
                return BoxJitter(seed);
            case "box-jitter-sam":
                return BoxJitter(seed, BoxConvention.PixelIndices);
            case "center" or "centre":
                return Center;
            case "none":
                return None;
        }

        if (t.StartsWith("points:", StringComparison.Ordinal))
        {
            if (int.TryParse(t.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1)
            {
                return Points(k, seed);
            }

            throw new FormatException($"Expected points:K with K a positive integer, e.g. points:3; got '{text}'.");
        }

        throw new FormatException($"Expected a prompt strategy box, box-sam, box-jitter, box-jitter-sam, center, points:K or none; got '{text}'.");
    }

    /// <summary>Derives the prompt of one image.</summary>
    /// <param name="groundTruth">The image's ground-truth mask (original size).</param>
    /// <param name="imageId">The image id; with <see cref="Seed"/> it seeds the random strategies.</param>
    /// <returns>The prompt, in original-image pixels, inside the image.</returns>
    /// <exception cref="ArgumentException">The mask is empty and the strategy needs a lesion.</exception>
    public SegmentationPrompt Create(BinaryMask groundTruth, string imageId)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(imageId);
        if (Kind == PromptStrategyKind.None)
        {
            return SegmentationPrompt.None;
        }

        PixelRect rect = groundTruth.BoundingBox;
        if (rect.IsEmpty)
        {
            throw new ArgumentException($"Expected a ground-truth mask with a lesion for the '{Name}' prompt of {imageId}; got an empty mask.", nameof(groundTruth));
        }

        if (BoxConvention == BoxConvention.PixelIndices && Kind is (PromptStrategyKind.Box or PromptStrategyKind.BoxJitter) && (rect.Width < 2 || rect.Height < 2))
        {
            throw new ArgumentException(
                $"Expected a lesion at least 2 pixels wide and high for the '{Name}' prompt of {imageId} ([minX, minY, maxX, maxY] must not be empty); got a {rect.Width}x{rect.Height} bounding box. Use '{(Kind == PromptStrategyKind.Box ? "box" : "box-jitter")}'.",
                nameof(groundTruth));
        }

        switch (Kind)
        {
            case PromptStrategyKind.Box when BoxConvention == BoxConvention.PixelIndices:
                return SegmentationPrompt.FromBox(rect.X, rect.Y, rect.Right - 1, rect.Bottom - 1);
            case PromptStrategyKind.Box:
                return SegmentationPrompt.FromBox(rect);
            case PromptStrategyKind.BoxJitter:
                return SegmentationPrompt.FromBox(JitterBox(rect, groundTruth.Width, groundTruth.Height, imageId));
            case PromptStrategyKind.Center:
                (int cx, int cy, _) = PoleOfInaccessibility.Find(groundTruth);
                return SegmentationPrompt.FromPoint(cx, cy);
            default:
                return SegmentationPrompt.FromPoints(RandomInteriorPoints(groundTruth, imageId));
        }
    }

    /// <summary>The seed of one image's generator: the global seed mixed with a stable hash of the id.</summary>
    /// <param name="imageId">The image id.</param>
    /// <returns>The seed.</returns>
    public ulong ImageSeed(string imageId)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        var mix = new SplitMix64(Seed ^ StableHash.Of(imageId));
        return mix.NextUInt64();
    }

    private PromptBox JitterBox(PixelRect rect, int width, int height, string imageId)
    {
        var random = new SplitMix64(ImageSeed(imageId));
        double scale = Math.Max(width, height) / (double)ModelFrame;
        int left = random.NextIntByRejection(MaxJitter1024 + 1);
        int top = random.NextIntByRejection(MaxJitter1024 + 1);
        int right = random.NextIntByRejection(MaxJitter1024 + 1);
        int bottom = random.NextIntByRejection(MaxJitter1024 + 1);
        int inclusive = BoxConvention == BoxConvention.PixelIndices ? 1 : 0;
        return new PromptBox(
            (float)Math.Max(0, rect.X - (left * scale)),
            (float)Math.Max(0, rect.Y - (top * scale)),
            (float)Math.Min(width, rect.Right - inclusive + (right * scale)),
            (float)Math.Min(height, rect.Bottom - inclusive + (bottom * scale)));
    }

    private PromptPoint[] RandomInteriorPoints(BinaryMask mask, string imageId)
    {
        ReadOnlySpan<byte> data = mask.Data;
        var foreground = new List<int>();
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != 0)
            {
                foreground.Add(i);
            }
        }

        var random = new SplitMix64(ImageSeed(imageId));
        int k = Math.Min(PointCount, foreground.Count);
        var points = new PromptPoint[k];
        for (int i = 0; i < k; i++)
        {
            // Partial Fisher-Yates: distinct pixels, uniformly.
            int j = i + random.NextIntByRejection(foreground.Count - i);
            (foreground[i], foreground[j]) = (foreground[j], foreground[i]);
            points[i] = new PromptPoint(foreground[i] % mask.Width, foreground[i] / mask.Width);
        }

        return points;
    }
}
