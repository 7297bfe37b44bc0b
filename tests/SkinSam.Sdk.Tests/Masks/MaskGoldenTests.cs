using System.Text.Json;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Tests.Postprocessing;

namespace SkinSam.Sdk.Tests.Masks;

/// <summary>Mask operations against scipy.ndimage and an independent Python COCO RLE.</summary>
public sealed class MaskGoldenTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        int n = PostprocessingTestData.ReadJson("masks.json").GetArrayLength();
        for (int i = 0; i < n; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FillHoles_Golden_MatchesScipyBinaryFillHoles(int index)
    {
        (JsonElement c, BinaryMask input) = Load(index);
        Assert.Equal(Bytes(c, "filled"), input.FillHoles().Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeepLargestComponent_FourConnected_MatchesScipyLabel(int index)
    {
        (JsonElement c, BinaryMask input) = Load(index);
        Assert.Equal(Bytes(c, "largest4"), input.KeepLargestComponent(Connectivity.Four).Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeepLargestComponent_EightConnected_MatchesScipyLabel(int index)
    {
        (JsonElement c, BinaryMask input) = Load(index);
        Assert.Equal(Bytes(c, "largest8"), input.KeepLargestComponent(Connectivity.Eight).Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToCocoRle_Golden_MatchesPythonCountsAndString(int index)
    {
        (JsonElement c, BinaryMask input) = Load(index);
        CocoRle rle = input.ToCocoRle();
        int[] expected = c.GetProperty("rleCounts").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(expected, rle.Counts.ToArray());
        Assert.Equal(c.GetProperty("rleString").GetString(), rle.ToCompressedString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromCompressedString_Golden_DecodesToInput(int index)
    {
        (JsonElement c, BinaryMask input) = Load(index);
        CocoRle rle = CocoRle.FromCompressedString(c.GetProperty("rleString").GetString()!, input.Width, input.Height);
        Assert.Equal(input.Data.ToArray(), rle.ToMask().Data.ToArray());
    }

    private static (JsonElement Case, BinaryMask Input) Load(int index)
    {
        JsonElement c = PostprocessingTestData.ReadJson("masks.json")[index];
        int width = c.GetProperty("width").GetInt32();
        int height = c.GetProperty("height").GetInt32();
        return (c, BinaryMask.Wrap(Bytes(c, "input"), width, height));
    }

    private static byte[] Bytes(JsonElement c, string key) =>
        PostprocessingTestData.ReadBytes(Path.Combine("masks", c.GetProperty(key).GetString()!));
}
