namespace SkinSam.Fuzz;

/// <summary>
/// Non-instrumented mutations in the style of libFuzzer's: bit flips, interesting bytes, truncation, inserted runs,
/// copied chunks and splices of two corpus files. Used by the "mutate" mode when no coverage-guided fuzzer is at hand.
/// </summary>
internal sealed class Mutator(Random random)
{
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var data = new List<byte>(input);
        int steps = 1 + random.Next(6);
        for (int s = 0; s < steps; s++)
        {
            if (data.Count == 0)
            {
                data.Add((byte)random.Next(256));
                continue;
            }

            int at = random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)(random.Next(5) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, 3 => 0x80, _ => 0x01 });
                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), 1 + random.Next(32)));
                    break;
                case 4:
                    int from = random.Next(data.Count);
                    int length = Math.Min(1 + random.Next(64), data.Count - from);
                    data.InsertRange(at, data.GetRange(from, length));
                    break;
                case 5:
                    data.RemoveRange(at, Math.Min(1 + random.Next(16), data.Count - at));
                    break;
                case 6 when other.Length > 0:
                    int cut = random.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(cut).ToArray());
                    break;
                default:
                    // A 16- or 32-bit field (sizes, offsets) set to an edge value, both byte orders.
                    uint value = random.Next(4) switch { 0 => 0u, 1 => 0xFFFFFFFFu, 2 => 0x7FFFFFFFu, _ => (uint)random.Next(1 << 16) };
                    int width = random.Next(2) == 0 ? 2 : 4;
                    bool bigEndian = random.Next(2) == 0;
                    for (int k = 0; k < width && at + k < data.Count; k++)
                    {
                        int shift = 8 * (bigEndian ? width - 1 - k : k);
                        data[at + k] = (byte)(value >> shift);
                    }

                    break;
            }
        }

        return [.. data];
    }
}
