using System.Buffers;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// SAM 2's optional clean-up of the low-resolution logits before the resize (<c>SAM2Transforms.postprocess_masks</c>
/// with <c>max_hole_area</c> / <c>max_sprinkle_area</c>), off unless an area is above 0: 8-connected components are
/// computed on the ORIGINAL logits for both steps; background components (logit &lt;= threshold) of at most
/// <c>maxHoleArea</c> pixels get <c>threshold + 10</c>, foreground components (logit &gt; threshold) of at most
/// <c>maxSprinkleArea</c> pixels get <c>threshold - 10</c>.
/// </summary>
internal static class Sam2MaskCleanup
{
    /// <summary>The logit a filled hole gets above the threshold, and a removed sprinkle below it.</summary>
    public const float Margin = 10f;

    /// <summary>Writes the cleaned logits of one mask into <paramref name="destination"/>.</summary>
    /// <param name="logits">Row-major logits, <paramref name="side"/> x <paramref name="side"/>.</param>
    /// <param name="side">The side of the square.</param>
    /// <param name="threshold">The mask threshold.</param>
    /// <param name="maxHoleArea">Largest hole filled, in pixels of this grid; 0 for none.</param>
    /// <param name="maxSprinkleArea">Largest island removed, in pixels of this grid; 0 for none.</param>
    /// <param name="destination">As many values as <paramref name="logits"/>; must not overlap it.</param>
    public static void Apply(ReadOnlySpan<float> logits, int side, float threshold, int maxHoleArea, int maxSprinkleArea, Span<float> destination)
    {
        int n = side * side;
        logits.Slice(0, n).CopyTo(destination);
        int[] labels = ArrayPool<int>.Shared.Rent(n);
        int[] stack = ArrayPool<int>.Shared.Rent(n);
        try
        {
            if (maxHoleArea > 0)
            {
                Replace(logits, side, threshold, foreground: false, maxHoleArea, threshold + Margin, labels, stack, destination);
            }

            if (maxSprinkleArea > 0)
            {
                Replace(logits, side, threshold, foreground: true, maxSprinkleArea, threshold - Margin, labels, stack, destination);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(stack);
            ArrayPool<int>.Shared.Return(labels);
        }
    }

    // Every 8-connected component of (logit > threshold) == foreground with at most maxArea pixels gets value.
    private static void Replace(ReadOnlySpan<float> logits, int side, float threshold, bool foreground, int maxArea, float value, int[] labels, int[] stack, Span<float> destination)
    {
        int n = side * side;
        Span<int> label = labels.AsSpan(0, n);
        var areas = new List<int>();
        _ = ComponentLabels.Label(new LogitSide(logits, threshold, foreground), side, side, eight: true, label, stack, areas);
        for (int i = 0; i < n; i++)
        {
            int id = label[i];
            if (id != 0 && areas[id - 1] <= maxArea)
            {
                destination[i] = value;
            }
        }
    }

    // The pixels above the threshold (foreground) or at or below it.
    private readonly ref struct LogitSide(ReadOnlySpan<float> logits, float threshold, bool foreground) : IPixelSet
    {
        private readonly ReadOnlySpan<float> _logits = logits;

        public bool Contains(int index) => (_logits[index] > threshold) == foreground;
    }
}
