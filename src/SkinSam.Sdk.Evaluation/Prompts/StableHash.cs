using System.Text;

namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>A hash of strings that is the same on every machine and run (FNV-1a, 64 bits, over UTF-8), unlike <see cref="string.GetHashCode()"/>.</summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
