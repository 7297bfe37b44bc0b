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

        bool eight = connectivity == Connectivity.Eight;
        int[] labels = ArrayPool<int>.Shared.Rent(n);
        int[] stack = ArrayPool<int>.Shared.Rent(n);
        try
        {
            Span<int> label = labels.AsSpan(0, n);
            label.Clear();
            int next = 0, best = 0, bestArea = 0;
            for (int start = 0; start < n; start++)
            {
                if (mask[start] == 0 || label[start] != 0)
                {
                    continue;
                }

                next++;
                label[start] = next;
                stack[0] = start;
                int top = 1, area = 0;
                while (top > 0)
                {
                    int i = stack[--top];
                    area++;
                    int x = i % width, y = i / width;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        int ny = y + dy;
                        if ((uint)ny >= (uint)height)
                        {
                            continue;
                        }

                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int nx = x + dx;
                            if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0) || (uint)nx >= (uint)width)
                            {
                                continue;
                            }

                            int j = (ny * width) + nx;
                            if (mask[j] != 0 && label[j] == 0)
                            {
                                label[j] = next;
                                stack[top++] = j;
                            }
                        }
                    }
                }

                if (area > bestArea)
                {
                    bestArea = area;
                    best = next;
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
