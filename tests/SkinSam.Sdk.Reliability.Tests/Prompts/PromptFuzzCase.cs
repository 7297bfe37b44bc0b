using FsCheck;
using FsCheck.Fluent;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Reliability.Tests.Prompts;

/// <summary>A random prompt against a random image size: coordinates inside, on the edge, outside, negative, huge, infinite or NaN.</summary>
public sealed record PromptFuzzCase(SegmentationPrompt Prompt, int Width, int Height, int Seed)
{
    public override string ToString() =>
        $"{Width}x{Height} seed {Seed}: points [{string.Join(", ", Prompt.Points)}] box {Prompt.Box?.ToString() ?? "none"} mask {Prompt.MaskInput?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";

    public static Arbitrary<PromptFuzzCase> Cases() =>
        (from width in Gen.OneOf(Gen.Choose(1, 4), Gen.Choose(1, 2048))
         from height in Gen.OneOf(Gen.Choose(1, 4), Gen.Choose(1, 2048))
         from seed in Gen.Choose(0, int.MaxValue)
         select Create(width, height, seed)).ToArbitrary();

    public static PromptFuzzCase Create(int width, int height, int seed)
    {
        var random = new Random(seed);
        var points = new PromptPoint[random.Next(0, 5)];
        for (int i = 0; i < points.Length; i++)
        {
            // Mostly defined labels; now and then an undefined one (a cast from an int read off a file, say).
            PointLabel label = random.Next(10) switch
            {
                0 => (PointLabel)random.Next(-3, 8),
                < 6 => PointLabel.Positive,
                _ => PointLabel.Negative,
            };
            points[i] = new PromptPoint(Coordinate(random, width), Coordinate(random, height), label);
        }

        PromptBox? box = random.Next(3) == 0
            ? null
            : new PromptBox(Coordinate(random, width), Coordinate(random, height), Coordinate(random, width), Coordinate(random, height));
        ReadOnlyMemory<float>? mask = random.Next(6) switch
        {
            0 => new float[SegmentationPrompt.LowResMaskSize * SegmentationPrompt.LowResMaskSize],
            1 => new float[random.Next(0, 70_000)],
            _ => null,
        };
        return new PromptFuzzCase(new SegmentationPrompt { Points = points, Box = box, MaskInput = mask }, width, height, seed);
    }

    private static float Coordinate(Random random, int limit) => random.Next(16) switch
    {
        0 => float.NaN,
        1 => float.PositiveInfinity,
        2 => float.NegativeInfinity,
        3 => random.Next(2) == 0 ? float.MaxValue : float.MinValue,
        4 => (float)((random.NextDouble() - 0.5) * 2e30),
        5 => -(float)(random.NextDouble() * limit) - float.Epsilon,
        6 => limit + (float)(random.NextDouble() * limit) + 0.001f,
        7 => random.Next(2) == 0 ? 0f : limit,
        8 => random.Next(2) == 0 ? -0f : float.Epsilon,
        9 => limit - float.Epsilon,
        _ => (float)(random.NextDouble() * limit),
    };
}
