using System.Buffers;
using SkinSam.Sdk.Imaging;

namespace SkinSam.Sdk.Preprocessing;

/// <summary>
/// Turns an image into the encoder input of MedSAM-style fine-tunes (<see cref="PreprocessingProfile.MedSam"/>),
/// following MedSAM's inference script:
/// <c>skimage.transform.resize(img, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True).astype(np.uint8)</c>,
/// then <c>(x - x.min()) / clip(x.max() - x.min(), 1e-8, None)</c> over the whole image, NCHW float32.
/// </summary>
/// <remarks>
/// <para>
/// The stretch ignores the aspect ratio and there is no padding. The cubic-spline resize reproduces
/// skimage 0.19 / SciPy 1.10 (Debian 12) in float64 operation for operation (see its tests): enlarging an
/// image gives the same floats bit for bit; shrinking an axis blurs it first with a Gaussian whose kernel
/// NumPy may compute one unit in the last place differently, about 1e-16 relative. The truncation to uint8
/// can turn such a difference into one 1/255 step only where skimage's value lies within that distance of
/// an integer.
/// </para>
/// <para>
/// Safe to use from many threads at once. Costlier than <see cref="SamPreprocessor"/> (a 64-term sum per
/// output value, as SciPy computes it); buffers are pooled.
/// </para>
/// </remarks>
public sealed class MedSamPreprocessor
{
    /// <summary>The encoder input size of MedSAM: 1024.</summary>
    public const int DefaultTargetSize = Onnx.SamContract.FrameSize;

    /// <summary>Creates a preprocessor for a square encoder input of <paramref name="targetSize"/> pixels.</summary>
    /// <param name="targetSize">Side of the encoder input, 1 to <see cref="ImageBuffer.MaxDimension"/>; 1024 for MedSAM.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSize"/> is out of range.</exception>
    public MedSamPreprocessor(int targetSize = DefaultTargetSize) => TargetSize = PreprocessorArguments.TargetSize(targetSize);

    /// <inheritdoc cref="SamPreprocessor.TargetSize"/>
    public int TargetSize { get; }

    /// <summary>Floats in the NCHW tensor of <see cref="Preprocess"/>, <c>3 * TargetSize * TargetSize</c>.</summary>
    public int TensorLength => 3 * TargetSize * TargetSize;

    /// <summary>
    /// Writes the encoder input for <paramref name="image"/>: NCHW float32 [1, 3, TargetSize, TargetSize],
    /// red, green, blue planes, values in 0..1.
    /// </summary>
    /// <param name="image">Any pixel format; non-RGB formats are converted to RGB first.</param>
    /// <param name="destination">Exactly <see cref="TensorLength"/> floats.</param>
    /// <exception cref="ArgumentException">The image is empty or the destination has the wrong length.</exception>
    public void Preprocess(ImageBuffer image, Span<float> destination)
    {
        PreprocessorArguments.ThrowIfEmpty(image);

        // The spline coefficients are one float64 per channel value.
        long values = (long)image.Width * image.Height * 3;
        if (values + 1 > Array.MaxLength)
        {
            throw new ArgumentException($"Expected an image of at most {Array.MaxLength - 1} RGB values; got {image.Width} x {image.Height} x 3 = {values}.", nameof(image));
        }

        int t = TargetSize;
        int plane = t * t;
        PreprocessorArguments.CheckNchwDestination(t, destination);

        int sourceBytes = image.Width * image.Height * 3;
        byte[] rgb = ArrayPool<byte>.Shared.Rent(sourceBytes);
        byte[] resized = ArrayPool<byte>.Shared.Rent(3 * plane);
        double[] row = ArrayPool<double>.Shared.Rent(3 * t);
        try
        {
            image.CopyToRgb24(rgb.AsSpan(0, sourceBytes));
            ResizeToBytes(rgb.AsSpan(0, sourceBytes), image.Width, image.Height, resized.AsSpan(0, 3 * plane), t, row);
            WriteMinMaxScaled(resized.AsSpan(0, 3 * plane), destination, plane);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(row);
            ArrayPool<byte>.Shared.Return(resized);
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }

    /// <summary>
    /// The skimage resize before truncation, <paramref name="outWidth"/> x <paramref name="outHeight"/> x 3
    /// interleaved float64; exposed to the parity tests.
    /// </summary>
    internal static void ResizeToDoubles(ReadOnlySpan<byte> rgb, int width, int height, Span<double> destination, int outWidth, int outHeight)
    {
        using var zoom = new CubicSplineZoom(rgb, width, height, 3, outWidth, outHeight);
        int rowLength = outWidth * 3;
        for (int y = 0; y < outHeight; y++)
        {
            zoom.InterpolateRow(y, destination.Slice(y * rowLength, rowLength));
        }
    }

    private static void ResizeToBytes(ReadOnlySpan<byte> rgb, int width, int height, Span<byte> destination, int t, double[] row)
    {
        using var zoom = new CubicSplineZoom(rgb, width, height, 3, t, t);
        int rowLength = t * 3;
        Span<double> values = row.AsSpan(0, rowLength);
        for (int y = 0; y < t; y++)
        {
            zoom.InterpolateRow(y, values);
            Span<byte> output = destination.Slice(y * rowLength, rowLength);
            for (int i = 0; i < rowLength; i++)
            {
                // NumPy's astype(np.uint8) truncates; values are already clipped to 0..255.
                output[i] = (byte)values[i];
            }
        }
    }

    private static void WriteMinMaxScaled(ReadOnlySpan<byte> rgb, Span<float> destination, int plane)
    {
        byte min = 255, max = 0;
        foreach (byte v in rgb)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        // NumPy: (x - min) in uint8, divided in float64 by clip(max - min, 1e-8, None), then float32.
        double range = Math.Max(max - min, 1e-8);
        Span<float> table = stackalloc float[byte.MaxValue + 1];
        for (int v = min; v <= max; v++)
        {
            table[v] = (float)((v - min) / range);
        }

        for (int i = 0, p = 0; p < plane; p++, i += 3)
        {
            destination[p] = table[rgb[i]];
            destination[plane + p] = table[rgb[i + 1]];
            destination[(2 * plane) + p] = table[rgb[i + 2]];
        }
    }
}
