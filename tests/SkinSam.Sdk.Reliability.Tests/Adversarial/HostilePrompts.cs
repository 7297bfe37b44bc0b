using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>Hostile prompts and image shapes through the real sam-tiny model: input errors, never model errors.</summary>
internal static class HostilePrompts
{
    private static readonly Type Invalid = typeof(InvalidPromptException);

    public static IEnumerable<HostileCase> All()
    {
        yield return Decode("Points = null", Invalid, new SegmentationPrompt { Points = null! });
        yield return Decode("Points = null with a box", Invalid, new SegmentationPrompt { Points = null!, Box = new PromptBox(10, 10, 50, 50) });
        yield return Decode("1,025 points (one over the maximum)", Invalid, Points(SegmentationPrompt.MaxPoints + 1));
        yield return Decode("100,000 points", Invalid, Points(100_000));
        yield return Decode("1,024 points (the maximum)", null, Points(SegmentationPrompt.MaxPoints));
        yield return Decode("mask_input all NaN", Invalid, SegmentationPrompt.FromPoint(20, 20).WithMaskInput(Filled(float.NaN)));
        yield return Decode("mask_input with one +Infinity", Invalid, SegmentationPrompt.FromPoint(20, 20).WithMaskInput(OneBad(float.PositiveInfinity)));
        yield return Decode("mask_input with one -Infinity, no points", Invalid, SegmentationPrompt.None.WithMaskInput(OneBad(float.NegativeInfinity)));
        yield return Decode("mask_input of 0 logits", Invalid, SegmentationPrompt.FromPoint(20, 20).WithMaskInput(ReadOnlyMemory<float>.Empty));
        yield return Decode("mask_input of huge finite logits", null, SegmentationPrompt.FromPoint(20, 20).WithMaskInput(Filled(3e38f)));
        yield return Decode("point at float.MaxValue", Invalid, SegmentationPrompt.FromPoint(float.MaxValue, 1));
        yield return Decode("point at -0.0001", Invalid, SegmentationPrompt.FromPoint(-0.0001f, 1));
        yield return Decode("point with label 99", Invalid, SegmentationPrompt.FromPoint(5, 5, (PointLabel)99));
        yield return Decode("point on the far corner (inclusive edge)", null, SegmentationPrompt.FromPoint(200, 150));
        yield return Decode("box with NaN", Invalid, SegmentationPrompt.FromBox(float.NaN, 0, 10, 10));
        yield return Decode("inverted box", Invalid, SegmentationPrompt.FromBox(50, 50, 10, 10));
        yield return Decode("box one pixel past the image", Invalid, SegmentationPrompt.FromBox(0, 0, 201, 150));
        yield return Decode("empty prompt on a model without a no-prompt mode", Invalid, SegmentationPrompt.None);
        yield return new HostileCase("null prompt", typeof(ArgumentNullException), ctx => ctx.Model.Decode(ctx.Embedding, null!));
        yield return Encode("image 65536x1 (short side resizes to 0)", typeof(ArgumentException), 65536, 1);
        yield return Encode("image 1x4097 (short side resizes to 0)", typeof(ArgumentException), 1, 4097);
        yield return Encode("image 2048x1 (short side resizes to exactly 1)", null, 2048, 1);
        yield return new HostileCase("empty ImageBuffer", typeof(ArgumentException), ctx => ctx.Model.Encode(default(ImageBuffer)));
    }

    private static HostileCase Decode(string name, Type? expected, SegmentationPrompt prompt) =>
        new(name, expected, ctx => ctx.Model.Decode(ctx.Embedding, prompt));

    private static HostileCase Encode(string name, Type? expected, int width, int height) =>
        new(name, expected, ctx =>
        {
            ImageBuffer image = ImageBuffer.FromRgb24(new byte[width * height * 3], width, height);
            ctx.Model.Segment(image, SegmentationPrompt.FromPoint(0, 0));
        });

    private static SegmentationPrompt Points(int count) =>
        SegmentationPrompt.FromPoints([.. Enumerable.Range(0, count).Select(i => new PromptPoint(i % 200, (i / 200) % 150, i % 3 == 0 ? PointLabel.Negative : PointLabel.Positive))]);

    private static float[] Filled(float value)
    {
        var logits = new float[SegmentationPrompt.LowResMaskSize * SegmentationPrompt.LowResMaskSize];
        Array.Fill(logits, value);
        return logits;
    }

    private static float[] OneBad(float value)
    {
        var logits = new float[SegmentationPrompt.LowResMaskSize * SegmentationPrompt.LowResMaskSize];
        logits[12345] = value;
        return logits;
    }
}
