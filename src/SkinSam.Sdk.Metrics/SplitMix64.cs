namespace SkinSam.Sdk.Metrics;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 generator: tiny, fast, and fixed forever, so that a seeded
/// bootstrap gives the same interval on every runtime (System.Random promises no such thing). The one copy in the
/// SDK: SkinSam.Sdk.Evaluation's prompt strategies draw from it too (through <c>InternalsVisibleTo</c>).
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="bound"/>) by Lemire's multiply-shift (bias below bound / 2^64).</summary>
    public int NextInt(int bound) => (int)Math.BigMul(NextUInt64(), (ulong)bound, out _);

    /// <summary>
    /// A number in [0, <paramref name="bound"/>) by rejection, so there is no modulo bias at all: the draw of the
    /// evaluation's prompt strategies, whose seeded prompts are fixed by it.
    /// </summary>
    public int NextIntByRejection(int bound)
    {
        ulong b = (ulong)bound;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % b);
        ulong r;
        do
        {
            r = NextUInt64();
        }
        while (r >= limit);
        return (int)(r % b);
    }
}
