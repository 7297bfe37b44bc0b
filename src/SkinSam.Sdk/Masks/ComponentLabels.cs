namespace SkinSam.Sdk.Masks;

/// <summary>
/// Connected-component labelling by flood fill, shared by <see cref="ConnectedComponents"/>, the automatic mask
/// generator's small-region pass and SAM 2's logit clean-up: the components of a pixel set get labels 1, 2, ... in
/// raster order of their first pixel.
/// </summary>
internal static class ComponentLabels
{
    /// <summary>Labels the components of <paramref name="set"/>.</summary>
    /// <typeparam name="TSet">The pixel set's type (a struct, so the membership test is inlined).</typeparam>
    /// <param name="set">Which pixels are labelled.</param>
    /// <param name="width">Width of the grid.</param>
    /// <param name="height">Height of the grid.</param>
    /// <param name="eight">8-connected; else 4-connected.</param>
    /// <param name="label">width * height labels, written: the pixel's component, or 0 outside the set.</param>
    /// <param name="stack">Scratch of at least width * height.</param>
    /// <param name="areas">Receives the components' areas, component <c>c</c>'s at index <c>c - 1</c>.</param>
    /// <returns>The number of components.</returns>
    internal static int Label<TSet>(TSet set, int width, int height, bool eight, Span<int> label, Span<int> stack, List<int> areas)
        where TSet : IPixelSet, allows ref struct
    {
        int n = width * height;
        label = label[..n];
        label.Clear();
        int next = 0;
        for (int start = 0; start < n; start++)
        {
            if (label[start] != 0 || !set.Contains(start))
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
                        if (label[j] == 0 && set.Contains(j))
                        {
                            label[j] = next;
                            stack[top++] = j;
                        }
                    }
                }
            }

            areas.Add(area);
        }

        return next;
    }
}

/// <summary>A set of pixels of a row-major grid, by index, for <see cref="ComponentLabels"/>.</summary>
internal interface IPixelSet
{
    /// <summary>Whether the pixel at <paramref name="index"/> is in the set.</summary>
    /// <param name="index">Row-major index.</param>
    /// <returns>True when it is.</returns>
    bool Contains(int index);
}

/// <summary>The foreground (non-zero) or the background (zero) pixels of a byte mask.</summary>
/// <param name="mask">The mask.</param>
/// <param name="foreground">True for the foreground.</param>
internal readonly ref struct MaskPixels(ReadOnlySpan<byte> mask, bool foreground) : IPixelSet
{
    private readonly ReadOnlySpan<byte> _mask = mask;

    /// <inheritdoc/>
    public bool Contains(int index) => (_mask[index] != 0) == foreground;
}
