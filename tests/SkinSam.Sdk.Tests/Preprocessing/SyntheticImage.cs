namespace SkinSam.Sdk.Tests.Preprocessing;

/// <summary>
/// The deterministic RGB24 test image of tools/goldens/make_preprocessing_goldens.py (synthetic_image):
/// smooth gradients, hashed noise and hard-edged blocks, in integer arithmetic both languages agree on.
/// </summary>
internal static class SyntheticImage
{
    public static byte[] Create(int width, int height, int seed)
    {
        var image = new byte[width * height * 3];
        const ulong Mask = 0xFFFFFFFF;
        for (int c = 0; c < 3; c++)
        {
            ulong salt = (ulong)(((c + 1) * 83492791L) + (seed * 2654435761L));
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    ulong h = (((ulong)x * 73856093UL) ^ ((ulong)y * 19349663UL) ^ salt) & Mask;
                    h = ((h ^ (h >> 13)) * 1274126177UL) & Mask;
                    h ^= h >> 16;
                    long noise = (long)(h & 63) - 32;
                    long gradient = ((long)x * (255 - (60 * c)) / width) + ((long)y * (60 + (60 * c)) / height);
                    long v = (gradient / 2) + noise;
                    long block = ((x / 37) + (y / 29)) % 5;
                    v = block == 0 ? 255 : block == 3 ? 0 : v;
                    image[(((y * width) + x) * 3) + c] = (byte)Math.Clamp(v, 0, 255);
                }
            }
        }

        return image;
    }
}
