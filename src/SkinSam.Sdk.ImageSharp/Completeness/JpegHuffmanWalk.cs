namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// Counts the MCUs a Huffman-coded JPEG scan really holds, reading codes and skipping coefficient bits without
/// building a picture: a scan cut short and closed with a forged end marker holds fewer MCUs than the frame needs,
/// which the marker walk alone cannot see. Sequential scans and progressive first scans (DC or AC) are counted;
/// progressive refinement scans, whose AC syntax depends on earlier scans, are not.
/// </summary>
internal static class JpegHuffmanWalk
{
    /// <summary>A Huffman table as the JPEG standard's decoding procedure (F.2.2.3) uses it.</summary>
    internal sealed class Table
    {
        private readonly int[] _maxCode = new int[18];
        private readonly int[] _valPtr = new int[17];
        private readonly int[] _minCode = new int[17];
        private readonly byte[] _values;

        private Table(ReadOnlySpan<byte> counts, byte[] values)
        {
            _values = values;
            int code = 0, k = 0;
            for (int l = 1; l <= 16; l++)
            {
                int n = counts[l - 1];
                if (n == 0)
                {
                    _maxCode[l] = -1;
                }
                else
                {
                    _valPtr[l] = k;
                    _minCode[l] = code;
                    code += n;
                    k += n;
                    _maxCode[l] = code - 1;
                }

                code <<= 1;
            }

            _maxCode[17] = int.MaxValue;
        }

        /// <summary>Reads one DHT segment's tables into <paramref name="tables"/> ([class * 4 + id]); false when malformed.</summary>
        public static bool ReadSegment(ReadOnlySpan<byte> s, Table?[] tables)
        {
            int pos = 0;
            while (pos < s.Length)
            {
                if (pos + 17 > s.Length)
                {
                    return false;
                }

                int tc = s[pos] >> 4, th = s[pos] & 15;
                ReadOnlySpan<byte> counts = s.Slice(pos + 1, 16);
                int total = 0;
                foreach (byte c in counts)
                {
                    total += c;
                }

                if (tc > 1 || th > 3 || total > 256 || pos + 17 + total > s.Length)
                {
                    return false;
                }

                tables[(tc * 4) + th] = new Table(counts, s.Slice(pos + 17, total).ToArray());
                pos += 17 + total;
            }

            return true;
        }

        /// <summary>The next symbol, or -1 when the data ended or no code matches.</summary>
        public int Decode(ref BitReader reader)
        {
            int code = reader.Bit();
            for (int l = 1; l <= 16; l++)
            {
                if (code < 0)
                {
                    return -1;
                }

                if (_maxCode[l] >= 0 && code <= _maxCode[l] && code >= _minCode[l])
                {
                    int index = _valPtr[l] + code - _minCode[l];
                    return index < _values.Length ? _values[index] : -1;
                }

                int bit = reader.Bit();
                code = bit < 0 ? -1 : (code << 1) | bit;
            }

            return -1;
        }
    }

    /// <summary>
    /// Counts the MCUs of one scan's entropy-coded data, up to <paramref name="expected"/>.
    /// </summary>
    /// <param name="data">The entropy-coded data, RST markers included, up to the marker that ends the scan.</param>
    /// <param name="blocksPerMcu">For each block of an MCU, in order, the index of its component in the scan.</param>
    /// <param name="dcTables">Per scan component, its DC table (null when the scan does not use one).</param>
    /// <param name="acTables">Per scan component, its AC table (null when the scan does not use one).</param>
    /// <param name="kind">What the scan codes.</param>
    /// <param name="ss">First coefficient (progressive AC).</param>
    /// <param name="se">Last coefficient (progressive AC).</param>
    /// <param name="restartInterval">MCUs between restart markers, or 0.</param>
    /// <param name="expected">The MCUs the frame needs.</param>
    /// <returns>The MCUs found, at most <paramref name="expected"/>.</returns>
    public static long CountMcus(ReadOnlySpan<byte> data, int[] blocksPerMcu, Table?[] dcTables, Table?[] acTables, ScanKind kind, int ss, int se, int restartInterval, long expected)
    {
        var reader = new BitReader(data);
        int eobRun = 0;
        for (long mcu = 0; mcu < expected; mcu++)
        {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0)
            {
                if (!reader.Restart())
                {
                    return mcu;
                }

                eobRun = 0;
            }

            foreach (int c in blocksPerMcu)
            {
                bool ok = kind switch
                {
                    ScanKind.Sequential => Dc(ref reader, dcTables[c]!) && SequentialAc(ref reader, acTables[c]!),
                    ScanKind.DcFirst => Dc(ref reader, dcTables[c]!),
                    ScanKind.DcRefine => reader.Skip(1),
                    _ => AcFirst(ref reader, acTables[c]!, ss, se, ref eobRun),
                };
                if (!ok)
                {
                    return mcu;
                }
            }
        }

        return expected;
    }

    private static bool Dc(ref BitReader reader, Table table)
    {
        int t = table.Decode(ref reader);
        return t is >= 0 and <= 16 && reader.Skip(t);
    }

    private static bool SequentialAc(ref BitReader reader, Table table)
    {
        for (int k = 1; k < 64;)
        {
            int rs = table.Decode(ref reader);
            if (rs < 0)
            {
                return false;
            }

            int r = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (r != 15)
                {
                    return true;
                }

                k += 16;
                continue;
            }

            k += r + 1;
            if (!reader.Skip(s))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AcFirst(ref BitReader reader, Table table, int ss, int se, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return true;
        }

        for (int k = ss; k <= se;)
        {
            int rs = table.Decode(ref reader);
            if (rs < 0)
            {
                return false;
            }

            int r = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (r < 15)
                {
                    eobRun = (1 << r) - 1;
                    if (r > 0)
                    {
                        int extra = reader.Bits(r);
                        if (extra < 0)
                        {
                            return false;
                        }

                        eobRun += extra;
                    }

                    return true;
                }

                k += 16;
                continue;
            }

            k += r + 1;
            if (!reader.Skip(s))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What a scan codes, for counting.</summary>
    internal enum ScanKind
    {
        /// <summary>Sequential: DC and AC of every block.</summary>
        Sequential,

        /// <summary>Progressive DC first scan.</summary>
        DcFirst,

        /// <summary>Progressive DC refinement: one bit per block.</summary>
        DcRefine,

        /// <summary>Progressive AC first scan (one component, end-of-band runs).</summary>
        AcFirst,
    }

    /// <summary>Reads bits MSB first, removing stuffed zero bytes; stops at any marker.</summary>
    internal ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;
        private int _byte;
        private int _bitsLeft;
        private bool _atMarker;

        /// <summary>The next bit, or -1 at a marker or the end.</summary>
        public int Bit()
        {
            if (_bitsLeft == 0)
            {
                if (_atMarker || _pos >= _data.Length)
                {
                    return -1;
                }

                byte b = _data[_pos];
                if (b == 0xFF)
                {
                    if (_pos + 1 < _data.Length && _data[_pos + 1] == 0x00)
                    {
                        _pos += 2;
                    }
                    else
                    {
                        _atMarker = true;
                        return -1;
                    }
                }
                else
                {
                    _pos++;
                }

                _byte = b;
                _bitsLeft = 8;
            }

            _bitsLeft--;
            return (_byte >> _bitsLeft) & 1;
        }

        /// <summary>The next <paramref name="n"/> bits as a number, or -1.</summary>
        public int Bits(int n)
        {
            int v = 0;
            for (int i = 0; i < n; i++)
            {
                int bit = Bit();
                if (bit < 0)
                {
                    return -1;
                }

                v = (v << 1) | bit;
            }

            return v;
        }

        /// <summary>Skips <paramref name="n"/> bits; false when the data ends first.</summary>
        public bool Skip(int n)
        {
            for (int i = 0; i < n; i++)
            {
                if (Bit() < 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Drops the rest of the byte and expects an RST marker; false when there is none.</summary>
        public bool Restart()
        {
            _bitsLeft = 0;
            while (_pos + 1 < _data.Length && _data[_pos] == 0xFF && _data[_pos + 1] == 0xFF)
            {
                _pos++;
            }

            if (_pos + 1 < _data.Length && _data[_pos] == 0xFF && _data[_pos + 1] is >= 0xD0 and <= 0xD7)
            {
                _pos += 2;
                _atMarker = false;
                return true;
            }

            return false;
        }
    }
}
