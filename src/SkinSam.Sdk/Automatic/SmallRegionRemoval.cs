using System.Buffers;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Automatic;

/// <summary>
/// segment_anything's small-region pass: 8-connected components of the background ("holes") or the foreground
/// ("islands") smaller than an area are flipped; when every island is small, the largest is kept (the first in raster
/// order on ties). Component labels are assigned in raster order of each component's first pixel.
/// </summary>
internal static class SmallRegionRemoval
{
    /// <summary>Removes holes then islands smaller than <paramref name="area"/> in place; true when anything changed.</summary>
    internal static bool Apply(Span<byte> mask, int width, int height, int area)
    {
        bool holes = Remove(mask, width, height, area, holes: true);
        bool islands = Remove(mask, width, height, area, holes: false);
        return holes || islands;
    }

    private static bool Remove(Span<byte> mask, int width, int height, int area, bool holes)
    {
        int n = width * height;
        int[] labels = ArrayPool<int>.Shared.Rent(n);
        int[] stack = ArrayPool<int>.Shared.Rent(n);
        var sizes = new List<int>();
        try
        {
            Span<int> label = labels.AsSpan(0, n);
            _ = ComponentLabels.Label(new MaskPixels(mask, foreground: !holes), width, height, eight: true, label, stack, sizes);
            bool anySmall = sizes.Exists(s => s < area);
            if (!anySmall)
            {
                return false;
            }

            if (holes)
            {
                for (int i = 0; i < n; i++)
                {
                    if (label[i] != 0 && sizes[label[i] - 1] < area)
                    {
                        mask[i] = 1;
                    }
                }

                return true;
            }

            bool anyLarge = sizes.Exists(s => s >= area);
            int largest = anyLarge ? -1 : sizes.IndexOf(sizes.Max()) + 1;
            for (int i = 0; i < n; i++)
            {
                if (label[i] != 0)
                {
                    bool keep = anyLarge ? sizes[label[i] - 1] >= area : label[i] == largest;
                    mask[i] = keep ? (byte)1 : (byte)0;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(labels);
            ArrayPool<int>.Shared.Return(stack);
        }
    }
}
