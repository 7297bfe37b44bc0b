using System.Buffers;
using System.Numerics;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Turns an image into the encoder input of SAM 2.1 (<see cref="PreprocessingProfile.Sam2"/>), as
/// <c>SAM2Transforms</c> does it in <c>SAM2ImagePredictor.set_image</c>: RGB uint8 to float <c>/ 255</c>, resized
/// straight to 1024 x 1024 (aspect ratio NOT kept, no padding) with
/// <c>F.interpolate(mode="bilinear", align_corners=False, antialias=True)</c>, then <c>(v - mean) / std</c> with
/// ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) on the 0..1 scale; NCHW float32.
/// </summary>
/// <remarks>
/// <para>
/// The resize is PyTorch's antialiased bilinear kernel (torchvision's tensor <c>Resize</c> since 0.17): per axis a
/// triangle filter whose support widens by the scale factor when shrinking (area-weighted; plain bilinear when
/// enlarging), taps and weights computed in float32 as <c>_compute_weights_aa</c> computes them, weights normalised
/// to sum 1, the width pass first and then the height pass, each summing its taps in float32 in order. Nothing is
/// rounded to uint8 (SAM v1's Pillow resize is, see <see cref="SamPreprocessor"/>).
/// </para>
/// <para>Safe to use from many threads at once; scratch memory is pooled.</para>
/// </remarks>
public sealed class Sam2Preprocessor
{
    /// <summary>The encoder input side of SAM 2.1: 1024.</summary>
    public const int DefaultTargetSize = Onnx.SamContract.FrameSize;

    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];
    private static readonly float[] UnitScale = CreateUnitScale();

    /// <summary>Creates a preprocessor for a square encoder input of <paramref name="targetSize"/> pixels.</summary>
    /// <param name="targetSize">Side of the encoder input, 1 to <see cref="ImageBuffer.MaxDimension"/>; 1024 for SAM 2.1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSize"/> is out of range.</exception>
    public Sam2Preprocessor(int targetSize = DefaultTargetSize)
    {
        TargetSize = PreprocessorArguments.TargetSize(targetSize);
    }

    /// <summary>Side of the square encoder input in pixels.</summary>
    public int TargetSize { get; }

    /// <summary>Floats in the NCHW tensor <see cref="Preprocess"/> writes: <c>3 * TargetSize * TargetSize</c>.</summary>
    public int TensorLength => 3 * TargetSize * TargetSize;

    /// <summary>
    /// Writes the encoder input for <paramref name="image"/>: NCHW float32 [1, 3, TargetSize, TargetSize], red,
    /// green, blue planes, normalised.
    /// </summary>
    /// <param name="image">Any pixel format; non-RGB formats are converted to RGB first.</param>
    /// <param name="destination">Exactly <see cref="TensorLength"/> floats.</param>
    /// <exception cref="ArgumentException">The image is empty or the destination has the wrong length.</exception>
    public void Preprocess(ImageBuffer image, Span<float> destination)
    {
        PreprocessorArguments.ThrowIfEmpty(image);

        long values = (long)image.Width * image.Height * 3;
        if (values > Array.MaxLength)
        {
            throw new ArgumentException($"Expected an image of at most {Array.MaxLength} RGB values; got {image.Width} x {image.Height} x 3 = {values}.", nameof(image));
        }

        int t = TargetSize;
        int plane = t * t;
        PreprocessorArguments.CheckNchwDestination(t, destination);

        int w = image.Width;
        int h = image.Height;
        AntialiasTaps xTaps = AntialiasTaps.Compute(w, t);
        AntialiasTaps yTaps = AntialiasTaps.Compute(h, t);
        byte[] rgb = ArrayPool<byte>.Shared.Rent((int)values);
        long rowsLength = (long)h * t;
        if (rowsLength > Array.MaxLength)
        {
            throw new ArgumentException($"Expected an image of at most {Array.MaxLength / t} rows; got {h}.", nameof(image));
        }

        float[] rows = ArrayPool<float>.Shared.Rent((int)rowsLength);
        try
        {
            image.CopyToRgb24(rgb.AsSpan(0, (int)values));
            for (int c = 0; c < 3; c++)
            {
                Span<float> wide = rows.AsSpan(0, (int)rowsLength);
                ResizeRows(rgb.AsSpan(0, (int)values), w, h, c, xTaps, wide, t);
                Span<float> output = destination.Slice(c * plane, plane);
                ResizeColumns(wide, t, yTaps, output);
                Normalise(output, Mean[c], Std[c]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }

    // The width pass on one channel: h rows of w values (pixel / 255) to h rows of t values.
    private static void ResizeRows(ReadOnlySpan<byte> rgb, int w, int h, int channel, AntialiasTaps taps, Span<float> destination, int t)
    {
        ReadOnlySpan<float> unit = UnitScale;
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> source = rgb.Slice(y * w * 3, w * 3);
            Span<float> row = destination.Slice(y * t, t);
            for (int x = 0; x < t; x++)
            {
                int first = taps.First[x];
                int count = taps.Count[x];
                ReadOnlySpan<float> weights = taps.Weights.AsSpan(x * taps.Stride, count);
                float sum = unit[source[(first * 3) + channel]] * weights[0];
                for (int j = 1; j < count; j++)
                {
                    sum += unit[source[((first + j) * 3) + channel]] * weights[j];
                }

                row[x] = sum;
            }
        }
    }

    // The height pass: whole rows weighted and summed in tap order (the same float operations per value as the
    // scalar sum, so the vector path gives the same bits).
    private static void ResizeColumns(ReadOnlySpan<float> rows, int t, AntialiasTaps taps, Span<float> destination)
    {
        for (int y = 0; y < t; y++)
        {
            int first = taps.First[y];
            int count = taps.Count[y];
            ReadOnlySpan<float> weights = taps.Weights.AsSpan(y * taps.Stride, count);
            Span<float> output = destination.Slice(y * t, t);
            ReadOnlySpan<float> source = rows.Slice(first * t, t);
            float w0 = weights[0];
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var wv = new Vector<float>(w0);
                for (; x <= t - Vector<float>.Count; x += Vector<float>.Count)
                {
                    (new Vector<float>(source.Slice(x)) * wv).CopyTo(output.Slice(x));
                }
            }

            for (; x < t; x++)
            {
                output[x] = source[x] * w0;
            }

            for (int j = 1; j < count; j++)
            {
                source = rows.Slice((first + j) * t, t);
                float wj = weights[j];
                x = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var wv = new Vector<float>(wj);
                    for (; x <= t - Vector<float>.Count; x += Vector<float>.Count)
                    {
                        Vector<float> product = new Vector<float>(source.Slice(x)) * wv;
                        (new Vector<float>(output.Slice(x)) + product).CopyTo(output.Slice(x));
                    }
                }

                for (; x < t; x++)
                {
                    output[x] += source[x] * wj;
                }
            }
        }
    }

    private static void Normalise(Span<float> values, float mean, float std)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var m = new Vector<float>(mean);
            var s = new Vector<float>(std);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                ((new Vector<float>(values.Slice(i)) - m) / s).CopyTo(values.Slice(i));
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = (values[i] - mean) / std;
        }
    }

    private static float[] CreateUnitScale()
    {
        var table = new float[256];
        for (int v = 0; v < 256; v++)
        {
            // torch: uint8 -> float, then div(255.0) in float32.
            table[v] = v / 255f;
        }

        return table;
    }
}
