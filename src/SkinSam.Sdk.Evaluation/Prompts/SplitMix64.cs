namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>The SplitMix64 generator (Steele, Lea, Flood 2014): tiny, fast, and the same sequence everywhere.</summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), by rejection so there is no modulo bias.</summary>
    public int NextInt(int bound)
    {
        ulong b = (ulong)bound;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % b);
        ulong r;
        do
        {
            r = Next();
        }
        while (r >= limit);
        return (int)(r % b);
    }
}
