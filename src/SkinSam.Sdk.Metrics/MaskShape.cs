namespace SkinSam.Sdk.Metrics;

/// <summary>Checks that two masks have the size their stated dimensions need.</summary>
internal static class MaskShape
{
    /// <summary>Throws unless both dimensions are at least 1 and both masks are width * height long.</summary>
    public static int Validate(int width, int height, int predictedLength, int groundTruthLength)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Expected a width of at least 1 pixel; got {width}.");
        }

        if (height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"Expected a height of at least 1 pixel; got {height}.");
        }

        long pixels = (long)width * height;
        if (pixels > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Expected width * height of at most {Array.MaxLength} pixels; got {width} x {height} = {pixels}.");
        }

        if (predictedLength != pixels)
        {
            throw new ArgumentException($"Expected width * height = {width} x {height} = {pixels} bytes in the predicted mask; got {predictedLength}.", "predicted");
        }

        if (groundTruthLength != pixels)
        {
            throw new ArgumentException($"Expected width * height = {width} x {height} = {pixels} bytes in the ground-truth mask; got {groundTruthLength}.", "groundTruth");
        }

        return (int)pixels;
    }
}
