using System.Numerics;

namespace SkinSam.Sdk.Metrics;

/// <summary>
/// The pixel confusion matrix of a predicted mask against a ground-truth mask: foreground is the
/// positive class. Build it with <see cref="FromMasks(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
/// (one byte per pixel, nonzero = foreground) or
/// <see cref="FromBitPackedMasks(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, long)"/> (one bit per pixel).
/// </summary>
public readonly record struct ConfusionCounts
{
    /// <summary>Creates counts from their four cells.</summary>
    /// <param name="truePositives">Pixels foreground in both masks.</param>
    /// <param name="falsePositives">Pixels foreground in the prediction only.</param>
    /// <param name="falseNegatives">Pixels foreground in the ground truth only.</param>
    /// <param name="trueNegatives">Pixels background in both masks.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public ConfusionCounts(long truePositives, long falsePositives, long falseNegatives, long trueNegatives)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(truePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(falsePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(falseNegatives);
        ArgumentOutOfRangeException.ThrowIfNegative(trueNegatives);
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        FalseNegatives = falseNegatives;
        TrueNegatives = trueNegatives;
    }

    /// <summary>Pixels foreground in both masks.</summary>
    public long TruePositives { get; }

    /// <summary>Pixels foreground in the prediction and background in the ground truth.</summary>
    public long FalsePositives { get; }

    /// <summary>Pixels background in the prediction and foreground in the ground truth.</summary>
    public long FalseNegatives { get; }

    /// <summary>Pixels background in both masks.</summary>
    public long TrueNegatives { get; }

    /// <summary>All pixels: the sum of the four cells.</summary>
    public long PixelCount => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    /// <summary>Foreground pixels of the prediction (<see cref="TruePositives"/> + <see cref="FalsePositives"/>).</summary>
    public long PredictedForeground => TruePositives + FalsePositives;

    /// <summary>Foreground pixels of the ground truth (<see cref="TruePositives"/> + <see cref="FalseNegatives"/>).</summary>
    public long GroundTruthForeground => TruePositives + FalseNegatives;

    /// <summary>True when the two masks are identical (no false positive and no false negative).</summary>
    public bool MasksAgree => FalsePositives == 0 && FalseNegatives == 0;

    /// <summary>Adds two confusion matrices cell by cell (pooling pixels over images).</summary>
    /// <param name="left">First counts.</param>
    /// <param name="right">Second counts.</param>
    /// <returns>The cell-wise sum.</returns>
    public static ConfusionCounts operator +(ConfusionCounts left, ConfusionCounts right) => Add(left, right);

    /// <summary>Adds two confusion matrices cell by cell (pooling pixels over images).</summary>
    /// <param name="left">First counts.</param>
    /// <param name="right">Second counts.</param>
    /// <returns>The cell-wise sum.</returns>
    public static ConfusionCounts Add(ConfusionCounts left, ConfusionCounts right) => new(
        checked(left.TruePositives + right.TruePositives),
        checked(left.FalsePositives + right.FalsePositives),
        checked(left.FalseNegatives + right.FalseNegatives),
        checked(left.TrueNegatives + right.TrueNegatives));

    /// <summary>
    /// Counts two masks of one byte per pixel, where any nonzero byte is foreground. Vectorised
    /// (Vector512, Vector256 or Vector128 compares and popcounts, whichever is the widest the hardware
    /// accelerates) with a scalar tail; allocates nothing.
    /// </summary>
    /// <param name="predicted">The predicted mask.</param>
    /// <param name="groundTruth">The ground-truth mask, as long as <paramref name="predicted"/>.</param>
    /// <returns>The confusion matrix.</returns>
    /// <exception cref="ArgumentException">The two masks differ in length.</exception>
    public static ConfusionCounts FromMasks(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        ForegroundTally tally = ForegroundCounting.Count(predicted, groundTruth);
        return FromTally(tally, predicted.Length);
    }

    /// <summary>
    /// Counts two masks of <paramref name="width"/> x <paramref name="height"/> pixels, one byte per
    /// pixel, row-major without padding; nonzero is foreground.
    /// </summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="predicted">The predicted mask, width * height bytes.</param>
    /// <param name="groundTruth">The ground-truth mask, width * height bytes.</param>
    /// <returns>The confusion matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    /// <exception cref="ArgumentException">A mask is not width * height bytes long.</exception>
    public static ConfusionCounts FromMasks(int width, int height, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> groundTruth)
    {
        MaskShape.Validate(width, height, predicted.Length, groundTruth.Length);
        return FromMasks(predicted, groundTruth);
    }

    /// <summary>
    /// Counts two bit-packed masks (see <see cref="BitPackedMask"/>: pixel i is bit i % 64 of word i / 64,
    /// least significant bit first). Bits past <paramref name="pixelCount"/> in the last word are ignored.
    /// </summary>
    /// <param name="predicted">The predicted mask, <see cref="BitPackedMask.WordCount(long)"/> words.</param>
    /// <param name="groundTruth">The ground-truth mask, as many words.</param>
    /// <param name="pixelCount">Number of pixels the masks hold.</param>
    /// <returns>The confusion matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixelCount"/> is negative.</exception>
    /// <exception cref="ArgumentException">A mask does not have the number of words the pixel count needs.</exception>
    public static ConfusionCounts FromBitPackedMasks(ReadOnlySpan<ulong> predicted, ReadOnlySpan<ulong> groundTruth, long pixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixelCount);
        long words = BitPackedMask.WordCount(pixelCount);
        if (predicted.Length != words)
        {
            throw new ArgumentException($"Expected {words} words for {pixelCount} pixels in the predicted mask; got {predicted.Length}.", nameof(predicted));
        }

        if (groundTruth.Length != words)
        {
            throw new ArgumentException($"Expected {words} words for {pixelCount} pixels in the ground-truth mask; got {groundTruth.Length}.", nameof(groundTruth));
        }

        long p = 0, g = 0, both = 0;
        int full = (int)(pixelCount / 64);
        for (int i = 0; i < full; i++)
        {
            ulong pw = predicted[i];
            ulong gw = groundTruth[i];
            p += BitOperations.PopCount(pw);
            g += BitOperations.PopCount(gw);
            both += BitOperations.PopCount(pw & gw);
        }

        int rest = (int)(pixelCount % 64);
        if (rest != 0)
        {
            ulong keep = (1UL << rest) - 1;
            ulong pw = predicted[full] & keep;
            ulong gw = groundTruth[full] & keep;
            p += BitOperations.PopCount(pw);
            g += BitOperations.PopCount(gw);
            both += BitOperations.PopCount(pw & gw);
        }

        return FromTally(new ForegroundTally(p, g, both), pixelCount);
    }

    private static ConfusionCounts FromTally(ForegroundTally tally, long pixelCount) => new(
        tally.Both,
        tally.Predicted - tally.Both,
        tally.GroundTruth - tally.Both,
        pixelCount - tally.Predicted - tally.GroundTruth + tally.Both);
}
