namespace SkinSam.Sdk.Masks;

/// <summary>Checks shared by the span forms of the mask operations.</summary>
internal static class MaskGeometry
{
    public static int Validate(int sourceLength, int width, int height, int destinationLength, string sourceName)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected a mask of at least 1x1 pixels; got {width}x{height}.");
        }

        long n = (long)width * height;
        if (sourceLength != n)
        {
            throw new ArgumentException($"Expected {n} mask bytes for {width}x{height}; got {sourceLength}.", sourceName);
        }

        if (destinationLength != n)
        {
            throw new ArgumentException($"Expected a destination of {n} bytes for {width}x{height}; got {destinationLength}.", "destination");
        }

        return (int)n;
    }

    public static void CheckConnectivity(Connectivity connectivity)
    {
        if (connectivity is not (Connectivity.Four or Connectivity.Eight))
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), $"Expected Connectivity.Four or Connectivity.Eight; got {(int)connectivity}.");
        }
    }
}
