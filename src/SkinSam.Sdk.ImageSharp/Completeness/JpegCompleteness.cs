// Over 400 lines on purpose: the JPEG completeness rule is one marker-stream walk (baseline and progressive
// scans, restart intervals); its Huffman decoding already lives in JpegHuffmanWalk.cs.
using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The JPEG rule: the marker stream runs from SOI to EOI with every segment inside the data; every scan's entropy-coded
/// data ends at a marker, not at the end of the data; every frame component is covered by a scan (for progressive
/// frames: every coefficient of every component down to bit 0); a restart interval implies the exact number of RST
/// markers per scan; Huffman-coded scans carry at least the bits the declared size needs (2 bits per 8x8 block of a
/// sequential scan, 1 bit per block of a progressive DC scan), so a few-KB header claiming 9000 x 9000 is refused
/// before ImageSharp allocates its pixels; and the Huffman codes of sequential and progressive first scans hold every
/// MCU the frame needs (<see cref="JpegHuffmanWalk"/>), so data cut and closed with a forged end marker is refused too.
/// ImageSharp alone fills rows it never received with grey.
/// </summary>
internal static class JpegCompleteness
{
    private const int MaxComponents = 4;

    /// <summary>Returns "expected ...; got ..." for the first problem, or null when the stream is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return "expected a JPEG starting with the SOI marker FFD8; got " + Convert.ToHexString(data[..Math.Min(2, data.Length)]);
        }

        Frame? frame = null;
        var tables = new JpegHuffmanWalk.Table?[8];
        int restartInterval = 0;
        int scans = 0;
        int pos = 2;
        while (true)
        {
            if (pos >= data.Length)
            {
                return $"expected the end-of-image marker FFD9; got the data ending at byte {data.Length} after {scans} scan(s) (truncated)";
            }

            if (data[pos] != 0xFF)
            {
                // Extraneous bytes before a marker: libjpeg warns and goes on, and so do cameras' files; the end
                // marker is still required.
                int next = data[pos..].IndexOf((byte)0xFF);
                if (next < 0)
                {
                    return $"expected the end-of-image marker FFD9; got the data ending at byte {data.Length} after {scans} scan(s) and {data.Length - pos} bytes that are no marker (truncated)";
                }

                pos += next;
            }

            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++;
            }

            if (pos >= data.Length)
            {
                return $"expected the end-of-image marker FFD9; got the data ending at byte {data.Length} inside a marker (truncated)";
            }

            byte marker = data[pos++];
            if (marker == 0xD9)
            {
                break;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (marker is 0x00 or 0xD8)
            {
                return $"expected a marker segment at byte {pos - 2}; got FF{marker:X2}";
            }

            if (pos + 2 > data.Length)
            {
                return $"expected the length of marker FF{marker:X2} at byte {pos}; got the end of the data (truncated)";
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || pos + length > data.Length)
            {
                return $"expected {length} bytes of marker segment FF{marker:X2} at byte {pos}; got {data.Length - pos} (truncated)";
            }

            ReadOnlySpan<byte> segment = data.Slice(pos + 2, length - 2);
            pos += length;
            if (IsStartOfFrame(marker))
            {
                frame = Frame.Read(marker, segment);
                if (frame is null)
                {
                    return $"expected a frame header (SOF) with 1 to {MaxComponents} components; got a malformed FF{marker:X2} segment of {length} bytes";
                }
            }
            else if (marker == 0xC4)
            {
                if (!JpegHuffmanWalk.Table.ReadSegment(segment, tables))
                {
                    return $"expected Huffman tables (DHT) of at most 256 codes each; got a malformed DHT segment of {length} bytes";
                }
            }
            else if (marker == 0xDD && segment.Length >= 2)
            {
                restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
            }
            else if (marker == 0xDA)
            {
                if (frame is null)
                {
                    return "expected a frame header (SOF) before the first scan; got a scan (SOS) first";
                }

                Scan? scan = Scan.Read(segment, frame);
                if (scan is null)
                {
                    return $"expected a scan header (SOS) naming components of the frame; got a malformed SOS segment of {length} bytes";
                }

                scans++;
                int start = pos;
                int restarts = 0;
                while (true)
                {
                    int ff = data[pos..].IndexOf((byte)0xFF);
                    if (ff < 0)
                    {
                        return $"expected the end-of-image marker FFD9; got the data ending inside the entropy-coded data of scan {scans} at byte {data.Length} (truncated)";
                    }

                    pos += ff;
                    if (pos + 1 >= data.Length)
                    {
                        return $"expected the end-of-image marker FFD9; got the data ending inside the entropy-coded data of scan {scans} at byte {data.Length} (truncated)";
                    }

                    byte next = data[pos + 1];
                    if (next == 0x00 || next == 0xFF)
                    {
                        pos += next == 0x00 ? 2 : 1;
                        continue;
                    }

                    if (next is >= 0xD0 and <= 0xD7)
                    {
                        restarts++;
                        pos += 2;
                        continue;
                    }

                    break;
                }

                long mcus = scan.McuCount(frame);
                if (restartInterval > 0)
                {
                    long expectedRestarts = ((mcus + restartInterval - 1) / restartInterval) - 1;
                    if (restarts < expectedRestarts)
                    {
                        return $"expected {expectedRestarts} restart markers in scan {scans} ({mcus} MCUs, restart interval {restartInterval}); got {restarts} (missing scan data)";
                    }
                }

                long scanBits = (long)(pos - start) * 8;
                long requiredBits = 0;
                if (frame.Huffman)
                {
                    long blocks = scan.BlockCount(frame);
                    requiredBits = frame.Progressive ? (scan.Ss == 0 && scan.Ah == 0 ? blocks : 0) : blocks * 2;
                }

                if (scanBits < requiredBits)
                {
                    return $"expected at least {(requiredBits + 7) / 8} bytes of entropy-coded data in scan {scans} of a {frame.Width}x{frame.Height} JPEG ({requiredBits} bits at the least its blocks need); got {scanBits / 8} (the header claims more pixels than the data can hold)";
                }

                if (CountMcus(data[start..pos], frame, scan, tables, restartInterval, mcus) is long counted && counted < mcus)
                {
                    return $"expected {mcus} MCUs of entropy-coded data in scan {scans}; got {counted} before the data ended (missing scan data)";
                }

                scan.Record(frame);
            }
        }

        if (frame is null)
        {
            return "expected a frame header (SOF); got none before the end-of-image marker";
        }

        if (scans == 0)
        {
            return "expected at least one scan (SOS); got none before the end-of-image marker";
        }

        return frame.Coverage();
    }

    /// <summary>The MCUs the scan's Huffman codes hold, or null when the scan cannot be counted (arithmetic coding, lossless, progressive refinement, a missing table).</summary>
    private static long? CountMcus(ReadOnlySpan<byte> entropy, Frame frame, Scan scan, JpegHuffmanWalk.Table?[] tables, int restartInterval, long mcus)
    {
        if (!frame.Huffman || frame.Hierarchical || frame.Marker == 0xC3)
        {
            return null;
        }

        JpegHuffmanWalk.ScanKind kind;
        if (!frame.Progressive)
        {
            kind = JpegHuffmanWalk.ScanKind.Sequential;
        }
        else if (scan.Ss == 0)
        {
            kind = scan.Ah == 0 ? JpegHuffmanWalk.ScanKind.DcFirst : JpegHuffmanWalk.ScanKind.DcRefine;
        }
        else if (scan.Ah == 0 && scan.Components.Length == 1)
        {
            kind = JpegHuffmanWalk.ScanKind.AcFirst;
        }
        else
        {
            return null;
        }

        var dc = new JpegHuffmanWalk.Table?[scan.Components.Length];
        var ac = new JpegHuffmanWalk.Table?[scan.Components.Length];
        for (int i = 0; i < scan.Components.Length; i++)
        {
            dc[i] = tables[scan.DcTables[i] & 3];
            ac[i] = tables[4 + (scan.AcTables[i] & 3)];
            bool needsDc = kind is JpegHuffmanWalk.ScanKind.Sequential or JpegHuffmanWalk.ScanKind.DcFirst;
            bool needsAc = kind is JpegHuffmanWalk.ScanKind.Sequential or JpegHuffmanWalk.ScanKind.AcFirst;
            if ((needsDc && dc[i] is null) || (needsAc && ac[i] is null))
            {
                return null;
            }
        }

        var blocks = new List<int>();
        for (int i = 0; i < scan.Components.Length; i++)
        {
            int c = scan.Components[i];
            int count = scan.Components.Length == 1 ? 1 : frame.H[c] * frame.V[c];
            for (int b = 0; b < count; b++)
            {
                blocks.Add(i);
            }
        }

        return JpegHuffmanWalk.CountMcus(entropy, [.. blocks], dc, ac, kind, scan.Ss, scan.Se, restartInterval, mcus);
    }

    private static bool IsStartOfFrame(byte marker) => marker is (>= 0xC0 and <= 0xCF) and not (0xC4 or 0xC8 or 0xCC);

    private sealed class Frame
    {
        private Frame(byte marker, int width, int height, byte[] ids, byte[] h, byte[] v)
        {
            Marker = marker;
            Width = width;
            Height = height;
            Ids = ids;
            H = h;
            V = v;
            Covered = new int[ids.Length][];
            for (int c = 0; c < ids.Length; c++)
            {
                Covered[c] = new int[64];
                Array.Fill(Covered[c], -1);
            }
        }

        public byte Marker { get; }

        public int Width { get; }

        public int Height { get; }

        public byte[] Ids { get; }

        public byte[] H { get; }

        public byte[] V { get; }

        /// <summary>Per component and coefficient: the lowest bit received so far (-1: none).</summary>
        public int[][] Covered { get; }

        public bool Progressive => Marker is 0xC2 or 0xCA;

        public bool Hierarchical => Marker is 0xC5 or 0xC6 or 0xC7 or 0xCD or 0xCE or 0xCF;

        public bool Huffman => Marker < 0xC8;

        public int HMax => H.Max();

        public int VMax => V.Max();

        public static Frame? Read(byte marker, ReadOnlySpan<byte> s)
        {
            if (s.Length < 6)
            {
                return null;
            }

            int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
            int width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
            int n = s[5];
            if (n < 1 || n > MaxComponents || s.Length < 6 + (3 * n) || width < 1 || height < 1)
            {
                return null;
            }

            var ids = new byte[n];
            var h = new byte[n];
            var v = new byte[n];
            for (int c = 0; c < n; c++)
            {
                ids[c] = s[6 + (3 * c)];
                h[c] = (byte)(s[7 + (3 * c)] >> 4);
                v[c] = (byte)(s[7 + (3 * c)] & 15);
                if (h[c] is < 1 or > 4 || v[c] is < 1 or > 4)
                {
                    return null;
                }
            }

            return new Frame(marker, width, height, ids, h, v);
        }

        public long ComponentBlocks(int c)
        {
            long w = ((((long)Width * H[c]) + HMax - 1) / HMax + 7) / 8;
            long hgt = ((((long)Height * V[c]) + VMax - 1) / VMax + 7) / 8;
            return w * hgt;
        }

        public string? Coverage()
        {
            if (Hierarchical)
            {
                return null;
            }

            for (int c = 0; c < Ids.Length; c++)
            {
                int[] bits = Covered[c];
                if (!Progressive)
                {
                    if (bits[0] < 0)
                    {
                        return $"expected a scan for each of the {Ids.Length} frame components; got none for component {Ids[c]} (missing scan)";
                    }

                    continue;
                }

                int missing = Array.FindIndex(bits, b => b != 0);
                if (missing >= 0)
                {
                    int last = Array.FindLastIndex(bits, b => b != 0);
                    string got = bits[missing] < 0 ? "none" : $"only down to bit {bits[missing]}";
                    return $"expected progressive scans covering coefficients 0..63 of component {Ids[c]} down to bit 0; got {got} for coefficient {missing}{(last > missing ? $" (and others up to {last})" : string.Empty)} (missing scans)";
                }
            }

            return null;
        }
    }

    private sealed class Scan
    {
        private Scan(int[] components, byte[] dcTables, byte[] acTables, int ss, int se, int ah, int al)
        {
            Components = components;
            DcTables = dcTables;
            AcTables = acTables;
            Ss = ss;
            Se = se;
            Ah = ah;
            Al = al;
        }

        /// <summary>Indexes into the frame's components.</summary>
        public int[] Components { get; }

        /// <summary>Per scan component, its DC table number.</summary>
        public byte[] DcTables { get; }

        /// <summary>Per scan component, its AC table number.</summary>
        public byte[] AcTables { get; }

        public int Ss { get; }

        public int Se { get; }

        public int Ah { get; }

        public int Al { get; }

        public static Scan? Read(ReadOnlySpan<byte> s, Frame frame)
        {
            if (s.Length < 1)
            {
                return null;
            }

            int n = s[0];
            if (n < 1 || n > MaxComponents || s.Length < 1 + (2 * n) + 3)
            {
                return null;
            }

            var components = new int[n];
            var dc = new byte[n];
            var ac = new byte[n];
            for (int i = 0; i < n; i++)
            {
                int index = Array.IndexOf(frame.Ids, s[1 + (2 * i)]);
                if (index < 0)
                {
                    return null;
                }

                components[i] = index;
                dc[i] = (byte)(s[2 + (2 * i)] >> 4);
                ac[i] = (byte)(s[2 + (2 * i)] & 15);
            }

            int o = 1 + (2 * n);
            int ss = s[o], se = s[o + 1];
            int ah = s[o + 2] >> 4, al = s[o + 2] & 15;
            if (!frame.Progressive)
            {
                ss = 0;
                se = 63;
                ah = 0;
                al = 0;
            }
            else if (ss > 63 || se > 63 || ss > se)
            {
                return null;
            }

            return new Scan(components, dc, ac, ss, se, ah, al);
        }

        public long McuCount(Frame frame)
        {
            if (Components.Length == 1)
            {
                return frame.ComponentBlocks(Components[0]);
            }

            long x = (frame.Width + (8L * frame.HMax) - 1) / (8L * frame.HMax);
            long y = (frame.Height + (8L * frame.VMax) - 1) / (8L * frame.VMax);
            return x * y;
        }

        public long BlockCount(Frame frame) => Components.Sum(frame.ComponentBlocks);

        public void Record(Frame frame)
        {
            foreach (int c in Components)
            {
                int[] bits = frame.Covered[c];
                for (int k = Ss; k <= Se; k++)
                {
                    if (Ah == 0)
                    {
                        bits[k] = bits[k] < 0 ? Al : Math.Min(bits[k], Al);
                    }
                    else if (bits[k] == Ah)
                    {
                        bits[k] = Al;
                    }
                }
            }
        }
    }
}
