using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Prompts;

/// <summary>
/// What the user tells the model about the lesion: points, a box, both, a previous low-resolution mask, or
/// nothing at all (only for models whose manifest says they segment without a prompt).
/// </summary>
/// <remarks>Coordinates are in original-image pixels; the SDK maps them into the model's frame.</remarks>
public sealed record SegmentationPrompt
{
    /// <summary>Side of the low-resolution mask SAM decoders take and return.</summary>
    public const int LowResMaskSize = Onnx.SamContract.LowResSide;

    /// <summary>
    /// The most points one prompt may hold: 1,024. SAM's prompt encoder was trained with up to a few dozen clicks and
    /// its decoder's token attention grows with the square of the point count (100,000 points ran 79 s and took 6 GB);
    /// 1,024 points decode in well under a second on the tiny model and leave room for dense point grids.
    /// </summary>
    public const int MaxPoints = 1024;

    /// <summary>Point prompts, positive and negative, in order.</summary>
    public IReadOnlyList<PromptPoint> Points { get; init; } = [];

    /// <summary>An optional box around the lesion.</summary>
    public PromptBox? Box { get; init; }

    /// <summary>
    /// Low-resolution logits (256 x 256, row-major) of a previous decode, for iterative refinement
    /// (SAM's <c>mask_input</c>); see <see cref="Models.SegmentationResult.LowResLogits"/>.
    /// </summary>
    public ReadOnlyMemory<float>? MaskInput { get; init; }

    /// <summary>True when the prompt has no point, no box and no mask.</summary>
    public bool IsEmpty => (Points?.Count ?? 0) == 0 && Box is null && MaskInput is null;

    /// <summary>The empty prompt: segment the most salient lesion (only models trained for it).</summary>
    public static SegmentationPrompt None { get; } = new();

    /// <summary>A box prompt.</summary>
    /// <param name="x0">Left edge.</param>
    /// <param name="y0">Top edge.</param>
    /// <param name="x1">Right edge.</param>
    /// <param name="y1">Bottom edge.</param>
    /// <returns>The prompt.</returns>
    public static SegmentationPrompt FromBox(float x0, float y0, float x1, float y1) => new() { Box = new PromptBox(x0, y0, x1, y1) };

    /// <summary>A box prompt.</summary>
    /// <param name="box">The box.</param>
    /// <returns>The prompt.</returns>
    public static SegmentationPrompt FromBox(PromptBox box) => new() { Box = box };

    /// <summary>A box prompt from a pixel rectangle (its right and bottom edges are exclusive).</summary>
    /// <param name="rect">The rectangle.</param>
    /// <returns>The prompt.</returns>
    public static SegmentationPrompt FromBox(PixelRect rect) => new() { Box = new PromptBox(rect.X, rect.Y, rect.Right, rect.Bottom) };

    /// <summary>A single point prompt.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    /// <param name="label">Positive or negative.</param>
    /// <returns>The prompt.</returns>
    public static SegmentationPrompt FromPoint(float x, float y, PointLabel label = PointLabel.Positive) => new() { Points = [new PromptPoint(x, y, label)] };

    /// <summary>A prompt of several points.</summary>
    /// <param name="points">The points, in order.</param>
    /// <returns>The prompt.</returns>
    public static SegmentationPrompt FromPoints(params PromptPoint[] points) => new() { Points = points };

    /// <summary>This prompt with a previous decode's low-resolution logits as mask input.</summary>
    /// <param name="lowResLogits">256 x 256 logits.</param>
    /// <returns>A new prompt.</returns>
    public SegmentationPrompt WithMaskInput(ReadOnlyMemory<float> lowResLogits) => this with { MaskInput = lowResLogits };

    /// <summary>
    /// Checks the prompt against an image of the given size and throws <see cref="InvalidPromptException"/> naming the first problem:
    /// a null point list, more than <see cref="MaxPoints"/> points, NaN or infinite coordinates, points or boxes outside
    /// the image, inverted or empty boxes, a mask input of the wrong size or with NaN or infinite logits.
    /// </summary>
    /// <param name="imageWidth">Original image width.</param>
    /// <param name="imageHeight">Original image height.</param>
    public void Validate(int imageWidth, int imageHeight)
    {
        if (Points is null)
        {
            throw new InvalidPromptException("Expected a list of points (empty for none); got null Points.");
        }

        if (Points.Count > MaxPoints)
        {
            throw new InvalidPromptException($"Expected at most {MaxPoints} points (SegmentationPrompt.MaxPoints); got {Points.Count}.");
        }

        for (int i = 0; i < Points.Count; i++)
        {
            PromptPoint p = Points[i];
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y))
            {
                throw new InvalidPromptException($"Expected finite coordinates for point {i}; got ({p.X}, {p.Y}).");
            }

            if (p.X < 0 || p.Y < 0 || p.X > imageWidth || p.Y > imageHeight)
            {
                throw new InvalidPromptException($"Expected point {i} inside the {imageWidth}x{imageHeight} image (0 <= x <= {imageWidth}, 0 <= y <= {imageHeight}); got ({p.X}, {p.Y}).");
            }

            if (p.Label is not (PointLabel.Positive or PointLabel.Negative))
            {
                throw new InvalidPromptException($"Expected point {i} to be Positive or Negative; got label {(int)p.Label}.");
            }
        }

        if (Box is { } b)
        {
            if (!float.IsFinite(b.X0) || !float.IsFinite(b.Y0) || !float.IsFinite(b.X1) || !float.IsFinite(b.Y1))
            {
                throw new InvalidPromptException($"Expected finite box coordinates; got {b}.");
            }

            if (b.X1 <= b.X0 || b.Y1 <= b.Y0)
            {
                throw new InvalidPromptException($"Expected a box with x0 < x1 and y0 < y1; got {b} ({(b.X1 < b.X0 || b.Y1 < b.Y0 ? "inverted" : "empty")}).");
            }

            if (b.X0 < 0 || b.Y0 < 0 || b.X1 > imageWidth || b.Y1 > imageHeight)
            {
                throw new InvalidPromptException($"Expected a box inside the {imageWidth}x{imageHeight} image; got {b}.");
            }
        }

        if (MaskInput is { } m)
        {
            if (m.Length != LowResMaskSize * LowResMaskSize)
            {
                throw new InvalidPromptException($"Expected a mask input of {LowResMaskSize}x{LowResMaskSize} = {LowResMaskSize * LowResMaskSize} logits; got {m.Length}.");
            }

            ReadOnlySpan<float> logits = m.Span;
            int first = FirstNonFinite(logits);
            if (first >= 0)
            {
                int count = 0;
                foreach (float v in logits)
                {
                    count += float.IsFinite(v) ? 0 : 1;
                }

                throw new InvalidPromptException(
                    $"Expected finite mask input logits; got {logits[first]} at index {first} (row {first / LowResMaskSize}, column {first % LowResMaskSize}), {count} non-finite of {logits.Length}.");
            }
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
