using System.Buffers;

namespace SkinSam.Sdk.Masks;

/// <summary>Connected regions of foreground pixels.</summary>
public static class ConnectedComponents
{
    /// <summary>
    /// The default connectivity: <see cref="Connectivity.Eight"/>, the usual choice for one lesion
    /// region (as scikit-image's <c>label</c> default in 2-D) and the counterpart of the 4-connected
    /// background that <see cref="HoleFilling"/> uses.
    /// </summary>
    public const Connectivity DefaultConnectivity = Connectivity.Eight;

    /// <summary>
    /// Keeps only the largest connected foreground region. Among regions of equal size the one whose
    /// first pixel comes first in row-major order wins (scipy's lowest label). An empty mask stays empty.
    /// </summary>
    /// <param name="mask">Width * height bytes, row-major; non-zero is foreground.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="destination">Width * height bytes (0 / 1); must not overlap <paramref name="mask"/>.</param>
    /// <param name="connectivity">Which neighbours connect.</param>
    /// <returns>The area of the kept region.</returns>
    /// <exception cref="ArgumentException">A length is wrong or the spans overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the connectivity is unknown.</exception>
    public static int KeepLargest(ReadOnlySpan<byte> mask, int width, int height, Span<byte> destination, Connectivity connectivity = DefaultConnectivity)
    {
        int n = MaskGeometry.Validate(mask.Length, width, height, destination.Length, nameof(mask));
        MaskGeometry.CheckConnectivity(connectivity);
        if (mask.Overlaps(destination))
        {
            throw new ArgumentException("Expected a destination that does not overlap the mask; got overlapping spans.", nameof(destination));
        }

        int[] labels = ArrayPool<int>.Shared.Rent(n);
        int[] stack = ArrayPool<int>.Shared.Rent(n);
        try
        {
            Span<int> label = labels.AsSpan(0, n);
            var areas = new List<int>();
            _ = ComponentLabels.Label(new MaskPixels(mask, foreground: true), width, height, connectivity == Connectivity.Eight, label, stack, areas);
            int best = 0, bestArea = 0;
            for (int c = 0; c < areas.Count; c++)
            {
                if (areas[c] > bestArea)
                {
                    bestArea = areas[c];
                    best = c + 1;
                }
            }

            for (int i = 0; i < n; i++)
            {
                destination[i] = best != 0 && label[i] == best ? (byte)1 : (byte)0;
            }

            return bestArea;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(labels);
            ArrayPool<int>.Shared.Return(stack);
        }
    }

    /// <summary>A new mask holding only the largest connected region of <paramref name="mask"/>.</summary>
    /// <param name="mask">The mask.</param>
    /// <param name="connectivity">Which neighbours connect.</param>
    /// <returns>The new mask (0 / 1 bytes).</returns>
    public static BinaryMask KeepLargest(BinaryMask mask, Connectivity connectivity = DefaultConnectivity)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new BinaryMask(mask.Width, mask.Height);
        _ = KeepLargest(mask.Data, mask.Width, mask.Height, result.Data, connectivity);
        return result;
    }
}
