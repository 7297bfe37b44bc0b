namespace SkinSam.Sdk.Masks;

/// <summary>
/// A binary mask: one byte per pixel, row-major, 1 for foreground (lesion) and 0 for background.
/// </summary>
public sealed class BinaryMask
{
    private readonly byte[] _data;

    /// <summary>Creates an all-background mask.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    public BinaryMask(int width, int height)
        : this(width, height, new byte[checked(ValidateSize(width, height))], takeOwnership: true)
    {
    }

    /// <summary>
    /// A mask over a fresh, uninitialised buffer, for callers that write every pixel before anyone reads it
    /// (thresholding): skips zeroing the array, which costs as much as the threshold itself on large masks.
    /// </summary>
    internal static BinaryMask CreateUninitialized(int width, int height) =>
        new(width, height, GC.AllocateUninitializedArray<byte>(checked(ValidateSize(width, height))), takeOwnership: true);

    private BinaryMask(int width, int height, byte[] data, bool takeOwnership)
    {
        _ = takeOwnership;
        Width = width;
        Height = height;
        _data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row-major, 0 or 1 each.</summary>
    public Span<byte> Data => _data;

    /// <summary>Reads or writes pixel (<paramref name="x"/>, <paramref name="y"/>) as a boolean.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    public bool this[int x, int y]
    {
        get => _data[Index(x, y)] != 0;
        set => _data[Index(x, y)] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Number of foreground pixels.</summary>
    public int Area => _data.Length - _data.AsSpan().Count((byte)0);

    /// <summary>The tightest rectangle holding every foreground pixel, or <see cref="PixelRect.Empty"/>.</summary>
    public PixelRect BoundingBox
    {
        get
        {
            int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
            for (int y = 0; y < Height; y++)
            {
                ReadOnlySpan<byte> row = _data.AsSpan(y * Width, Width);
                int first = row.IndexOfAnyExcept((byte)0);
                if (first < 0)
                {
                    continue;
                }

                int last = row.LastIndexOfAnyExcept((byte)0);
                minX = Math.Min(minX, first);
                maxX = Math.Max(maxX, last);
                minY = Math.Min(minY, y);
                maxY = y;
            }

            return maxX < 0 ? PixelRect.Empty : new PixelRect(minX, minY, maxX - minX + 1, maxY - minY + 1);
        }
    }

    /// <summary>Wraps an existing array as a mask without copying. Every non-zero byte is foreground; values are not normalised.</summary>
    /// <param name="data">Width * height bytes, row-major.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The mask over <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentException">The array length is not width * height.</exception>
    public static BinaryMask Wrap(byte[] data, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = ValidateSize(width, height);
        if (data.Length != n)
        {
            throw new ArgumentException($"Expected {n} bytes for a {width}x{height} mask; got {data.Length}.", nameof(data));
        }

        return new BinaryMask(width, height, data, takeOwnership: true);
    }

    /// <summary>A copy of the pixels, 0 for background and <paramref name="foreground"/> for the lesion (255 makes a viewable 8-bit image).</summary>
    /// <param name="foreground">The value written for foreground pixels.</param>
    /// <returns>A new array of Width * Height bytes.</returns>
    public byte[] ToBytes(byte foreground = 1)
    {
        var result = new byte[_data.Length];
        for (int i = 0; i < _data.Length; i++)
        {
            result[i] = _data[i] != 0 ? foreground : (byte)0;
        }

        return result;
    }

    /// <summary>A new mask with the holes filled: background not 4-connected to the border becomes foreground (see <see cref="HoleFilling"/>).</summary>
    /// <returns>The filled mask.</returns>
    public BinaryMask FillHoles() => HoleFilling.Fill(this);

    /// <summary>A new mask holding only the largest connected foreground region (see <see cref="ConnectedComponents"/>).</summary>
    /// <param name="connectivity">Which neighbours connect; 8 by default.</param>
    /// <returns>The new mask.</returns>
    public BinaryMask KeepLargestComponent(Connectivity connectivity = ConnectedComponents.DefaultConnectivity) => ConnectedComponents.KeepLargest(this, connectivity);

    /// <summary>The union of several masks of one size: a pixel is foreground where any of them is (several lesions of one image in one mask).</summary>
    /// <param name="masks">At least one mask; all of the same width and height.</param>
    /// <returns>A new mask.</returns>
    /// <exception cref="ArgumentException">No masks, a null mask, or masks of different sizes.</exception>
    public static BinaryMask Union(IReadOnlyList<BinaryMask> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Count == 0 || masks[0] is null)
        {
            throw new ArgumentException($"Expected at least one mask; got {(masks.Count == 0 ? "none" : "null at index 0")}.", nameof(masks));
        }

        var union = new BinaryMask(masks[0].Width, masks[0].Height);
        for (int i = 0; i < masks.Count; i++)
        {
            BinaryMask m = masks[i] ?? throw new ArgumentException($"Expected a mask at index {i}; got null.", nameof(masks));
            if (m.Width != union.Width || m.Height != union.Height)
            {
                throw new ArgumentException($"Expected every mask to be {union.Width}x{union.Height}; got {m.Width}x{m.Height} at index {i}.", nameof(masks));
            }

            System.Numerics.Tensors.TensorPrimitives.BitwiseOr<byte>(union._data, m._data, union._data);
        }

        return union;
    }

    /// <summary>The mask in COCO run-length encoding.</summary>
    /// <returns>The encoding.</returns>
    public CocoRle ToCocoRle() => CocoRle.Encode(this);

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Expected a pixel inside the {Width}x{Height} mask; got ({x}, {y}).");
        }

        return (y * Width) + x;
    }

    private static int ValidateSize(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected a mask of at least 1x1 pixels; got {width}x{height}.");
        }

        return checked(width * height);
    }
}
