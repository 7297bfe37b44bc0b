using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace SkinSam.Sdk.Models;

/// <summary>
/// The embedding file format, version 1. All integers little-endian:
/// <code>
/// magic "SKSAMEMB" (8 bytes) | version u16 = 1 | flags u16 = 0 | header length u32
/// header: model name (u16 length + UTF-8) | fingerprint (u16 length + UTF-8)
///         original width, original height, resized width, resized height (i32 each)
///         tensor count u16 | per tensor: name (u16 length + UTF-8), element type u8 (1 = float32), rank u8, dims (i32 each)
/// payload: each tensor's values in order, float32 little-endian, row-major
/// checksum: SHA-256 (32 bytes) of every byte before it, magic included
/// </code>
/// A reader refuses anything else before allocating more than the limits allow.
/// </summary>
internal static class ImageEmbeddingFormat
{
    internal const ushort Version = 1;
    internal const int MaxHeaderBytes = 64 * 1024;

    /// <summary>The most float32 values a file may hold (256 MiB): SAM 2's three tensors are about 4 M.</summary>
    internal const long MaxValues = 1L << 26;

    private const byte Float32 = 1;
    private const int PrefixBytes = 16;
    private const int ChecksumBytes = 32;
    private const int ChunkBytes = 1 << 20;

    internal static ReadOnlySpan<byte> Magic => "SKSAMEMB"u8;

    internal static void Write(ImageEmbedding embedding, IReadOnlyList<ImageEmbeddingTensor> tensors, Stream stream)
    {
        var header = new MemoryStream();
        WriteString(header, embedding.ModelName);
        WriteString(header, embedding.ModelFingerprint);
        WriteInt32(header, embedding.OriginalWidth);
        WriteInt32(header, embedding.OriginalHeight);
        WriteInt32(header, embedding.ResizedWidth);
        WriteInt32(header, embedding.ResizedHeight);
        WriteUInt16(header, (ushort)tensors.Count);
        foreach (ImageEmbeddingTensor t in tensors)
        {
            WriteString(header, t.Name);
            header.WriteByte(Float32);
            header.WriteByte((byte)t.ShapeArray.Length);
            foreach (int d in t.ShapeArray)
            {
                WriteInt32(header, d);
            }
        }

        Span<byte> prefix = stackalloc byte[PrefixBytes];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[12..], (uint)header.Length);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Emit(stream, hash, prefix);
        Emit(stream, hash, header.GetBuffer().AsSpan(0, (int)header.Length));
        byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[ChunkBytes];
        foreach (ImageEmbeddingTensor t in tensors)
        {
            ReadOnlySpan<float> values = t.Values.Span;
            if (swapped is null)
            {
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
                for (int at = 0; at < bytes.Length; at += ChunkBytes)
                {
                    Emit(stream, hash, bytes.Slice(at, Math.Min(ChunkBytes, bytes.Length - at)));
                }
            }
            else
            {
                for (int at = 0; at < values.Length; at += ChunkBytes / 4)
                {
                    int n = Math.Min(ChunkBytes / 4, values.Length - at);
                    for (int i = 0; i < n; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(swapped.AsSpan(i * 4), values[at + i]);
                    }

                    Emit(stream, hash, swapped.AsSpan(0, n * 4));
                }
            }
        }

        stream.Write(hash.GetHashAndReset());
        stream.Flush();
    }

    internal static ImageEmbedding Read(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long consumed = 0;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        int got = ReadUpTo(stream, prefix);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ImageEmbeddingFormatException(
                $"Expected an SDK embedding file starting with the magic 'SKSAMEMB'; got {(got == 0 ? "an empty stream" : $"{got} bytes starting {Convert.ToHexString(prefix[..Math.Min(got, 8)])}")}. Write embeddings with ImageEmbedding.Save.");
        }

        if (got < PrefixBytes)
        {
            throw Truncated("the format prefix", PrefixBytes, got, 0);
        }

        hash.AppendData(prefix);
        consumed += PrefixBytes;
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(prefix[10..]);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[12..]);
        if (version != Version)
        {
            throw new ImageEmbeddingFormatException(
                $"Expected embedding format version {Version}; got version {version}{(version > Version ? " (written by a newer SDK: update SkinSam.Sdk to read it)" : string.Empty)}.");
        }

        if (flags != 0)
        {
            throw new ImageEmbeddingFormatException($"Expected embedding format flags 0 in version {Version}; got 0x{flags:X4}: the file is corrupt.");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw new ImageEmbeddingFormatException($"Expected an embedding header of at most {MaxHeaderBytes} bytes; got a length of {headerLength}: the file is corrupt.");
        }

        byte[] header = new byte[headerLength];
        ReadExactly(stream, header, "the header", consumed);
        hash.AppendData(header);
        consumed += headerLength;

        var reader = new HeaderReader(header);
        string modelName = reader.String("model name");
        string fingerprint = reader.String("fingerprint");
        int ow = reader.Int32("original width");
        int oh = reader.Int32("original height");
        int rw = reader.Int32("resized width");
        int rh = reader.Int32("resized height");
        int count = reader.UInt16("tensor count");
        if (count > ImageEmbedding.MaxTensors)
        {
            throw new ImageEmbeddingFormatException($"Expected at most {ImageEmbedding.MaxTensors} tensors in an embedding file; got {count}: the file is corrupt.");
        }

        var names = new string[count];
        var shapes = new int[count][];
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            names[i] = reader.String($"tensor {i} name");
            byte type = reader.Byte($"tensor {i} element type");
            if (type != Float32)
            {
                throw new ImageEmbeddingFormatException($"Expected element type 1 (float32) for tensor '{names[i]}'; got {type}.");
            }

            int rank = reader.Byte($"tensor {i} rank");
            if (rank < 1 || rank > ImageEmbeddingTensor.MaxRank)
            {
                throw new ImageEmbeddingFormatException($"Expected tensor '{names[i]}' to have 1 to {ImageEmbeddingTensor.MaxRank} dimensions; got {rank}: the file is corrupt.");
            }

            shapes[i] = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                int dim = reader.Int32($"tensor '{names[i]}' dimension {d}");
                if (dim < 1)
                {
                    throw new ImageEmbeddingFormatException($"Expected dimensions of at least 1 for tensor '{names[i]}'; got {dim}: the file is corrupt.");
                }

                shapes[i][d] = dim;
                elements *= dim;
                if (elements > MaxValues)
                {
                    break;
                }
            }

            total += elements;
            if (total > MaxValues)
            {
                throw new ImageEmbeddingFormatException($"Expected at most {MaxValues} values in an embedding file; got tensor shapes that need more (tensor '{names[i]}' [{string.Join(", ", shapes[i])}]): the file is corrupt.");
            }
        }

        if (!reader.AtEnd)
        {
            throw new ImageEmbeddingFormatException($"Expected the header to end after {count} tensor descriptions; got {reader.Remaining} more bytes: the file is corrupt.");
        }

        long payloadBytes = total * sizeof(float);
        if (stream.CanSeek)
        {
            long left = stream.Length - stream.Position;
            if (left < payloadBytes + ChecksumBytes)
            {
                throw Truncated("the tensor values and checksum", payloadBytes + ChecksumBytes, left, consumed);
            }
        }

        float[] values = GC.AllocateUninitializedArray<float>((int)total);
        Span<byte> valueBytes = MemoryMarshal.AsBytes(values.AsSpan());
        for (int at = 0; at < valueBytes.Length; at += ChunkBytes)
        {
            Span<byte> chunk = valueBytes.Slice(at, Math.Min(ChunkBytes, valueBytes.Length - at));
            ReadExactly(stream, chunk, "the tensor values", consumed + at);
            hash.AppendData(chunk);
        }

        consumed += payloadBytes;
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        Span<byte> stored = stackalloc byte[ChecksumBytes];
        ReadExactly(stream, stored, "the SHA-256 checksum", consumed);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            throw new ImageEmbeddingFormatException(
                $"Expected the embedding's SHA-256 checksum to match its {consumed} bytes; got a mismatch: the file is corrupt (changed after it was written).");
        }

        try
        {
            var tensors = new ImageEmbeddingTensor[count];
            int offset = 0;
            for (int i = 0; i < count; i++)
            {
                int n = shapes[i].Aggregate(1, (a, b) => a * b);
                tensors[i] = new ImageEmbeddingTensor(names[i], shapes[i], values.AsMemory(offset, n));
                offset += n;
            }

            return new ImageEmbedding(modelName, fingerprint, ow, oh, rw, rh, tensors);
        }
        catch (ArgumentException ex)
        {
            throw new ImageEmbeddingFormatException($"Expected a valid embedding in the file; got one the SDK refuses: {ex.Message}", ex);
        }
    }

    private static ImageEmbeddingFormatException Truncated(string what, long expected, long got, long offset) =>
        new($"Expected {expected} bytes of {what} at offset {offset}; got {got}: the file is truncated.");

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what, long offset)
    {
        int got = ReadUpTo(stream, buffer);
        if (got < buffer.Length)
        {
            throw Truncated(what, buffer.Length, got, offset);
        }
    }

    private static void Emit(Stream stream, IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        hash.AppendData(bytes);
        stream.Write(bytes);
    }

    private static void WriteString(MemoryStream s, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt16(s, checked((ushort)bytes.Length));
        s.Write(bytes);
    }

    private static void WriteUInt16(MemoryStream s, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteInt32(MemoryStream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private sealed class HeaderReader(byte[] header)
    {
        private int _at;

        public bool AtEnd => _at == header.Length;

        public int Remaining => header.Length - _at;

        public byte Byte(string what) => Take(1, what)[0];

        public ushort UInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

        public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

        public string String(string what)
        {
            int length = UInt16(what + " length");
            ReadOnlySpan<byte> bytes = Take(length, what);
            try
            {
                return new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new ImageEmbeddingFormatException($"Expected UTF-8 text for the {what}; got invalid bytes: the file is corrupt.", ex);
            }
        }

        private ReadOnlySpan<byte> Take(int n, string what)
        {
            if (header.Length - _at < n)
            {
                throw new ImageEmbeddingFormatException($"Expected {n} bytes for the {what} at header offset {_at}; got {header.Length - _at}: the header is corrupt.");
            }

            ReadOnlySpan<byte> span = header.AsSpan(_at, n);
            _at += n;
            return span;
        }
    }
}
