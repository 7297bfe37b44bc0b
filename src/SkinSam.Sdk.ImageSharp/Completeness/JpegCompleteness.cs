using System.Buffers.Binary;

namespace SkinSam.Sdk.ImageSharp.Completeness;

/// <summary>
/// The JPEG rule: the marker stream runs from SOI to EOI with every segment inside the data; every scan's entropy-coded
/// data ends at a marker, not at the end of the data; every frame component is covered by a scan (for progressive
/// frames: every coefficient of every component down to bit 0); a restart interval implies the exact number of RST
/// markers per scan; and Huffman-coded scans carry at least the bits the declared size needs (2 bits per 8x8 block of a
/// sequential scan, 1 bit per block of a progressive DC scan), so a few-KB header claiming 9000 x 9000 is refused
/// before ImageSharp allocates its pixels. ImageSharp alone fills rows it never received with grey.
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
        int restartInterval = 0;
        int scans = 0;
        long entropyBits = 0, requiredBits = 0;
        int pos = 2;
        while (true)
        {
            if (pos >= data.Length)
            {
                return $"expected the end-of-image marker FFD9; got the data ending at byte {data.Length} after {scans} scan(s) (truncated)";
            }

            if (data[pos] != 0xFF)
            {
                return $"expected a marker at byte {pos}; got 0x{data[pos]:X2}";
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

                entropyBits += (long)(pos - start) * 8;
                if (frame.Huffman)
                {
                    long blocks = scan.BlockCount(frame);
                    requiredBits += frame.Progressive ? (scan.Ss == 0 && scan.Ah == 0 ? blocks : 0) : blocks * 2;
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

        if (entropyBits < requiredBits)
        {
            return $"expected at least {(requiredBits + 7) / 8} bytes of entropy-coded data for a {frame.Width}x{frame.Height} JPEG ({requiredBits} bits at the least its blocks need); got {entropyBits / 8} (the header claims more pixels than the data can hold)";
        }

        return frame.Coverage();
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
        private Scan(int[] components, int ss, int se, int ah, int al)
        {
            Components = components;
            Ss = ss;
            Se = se;
            Ah = ah;
            Al = al;
        }

        /// <summary>Indexes into the frame's components.</summary>
        public int[] Components { get; }

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
            for (int i = 0; i < n; i++)
            {
                int index = Array.IndexOf(frame.Ids, s[1 + (2 * i)]);
                if (index < 0)
                {
                    return null;
                }

                components[i] = index;
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

            return new Scan(components, ss, se, ah, al);
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
