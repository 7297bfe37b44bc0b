using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SkinSam.Sdk.Masks;

namespace SkinSam.Server.Tests;

public sealed class SegmentEndpointsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly byte[] Image = File.ReadAllBytes(TestImages.ImagePath);

    [Fact]
    public async Task Segment_PointInsideLesion_ReturnsPngMaskMatchingTheExpertMask()
    {
        (int x, int y) = TestImages.PointInsideLesion();
        using var form = TestImages.Form(Image, fields: ("points", $"[[{x},{y},1]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        BinaryMask mask = TestImages.MaskFromPng(await response.Content.ReadAsByteArrayAsync());
        double dice = TestImages.Dice(mask, TestImages.Truth());
        Assert.True(dice >= TestImages.MinDice, $"Dice {dice:F3} below {TestImages.MinDice}");
        Assert.Equal(mask.Area.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Mask-Area").Single());
    }

    [Fact]
    public async Task Segment_FormatJson_ReturnsCocoRleOfTheSameMaskAsThePng()
    {
        (int x, int y) = TestImages.PointInsideLesion();
        using var pngForm = TestImages.Form(Image, fields: ("prompt", $"{{\"points\":[[{x},{y},1]]}}"));
        using HttpResponseMessage png = await server.Client.PostAsync("v1/segment", pngForm);
        using var jsonForm = TestImages.Form(Image, fields: ("prompt", $"{{\"points\":[[{x},{y},1]]}}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/segment") { Content = jsonForm };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage json = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        JsonElement entry = body.RootElement.GetProperty("masks")[0];
        int[] size = [.. entry.GetProperty("rle").GetProperty("size").EnumerateArray().Select(e => e.GetInt32())];
        Assert.Equal([150, 200], size);
        BinaryMask fromRle = CocoRle.FromCompressedString(entry.GetProperty("rle").GetProperty("counts").GetString()!, 200, 150).ToMask();
        BinaryMask fromPng = TestImages.MaskFromPng(await png.Content.ReadAsByteArrayAsync());
        Assert.Equal(fromPng.Data.ToArray(), fromRle.Data.ToArray());
        Assert.Equal(fromRle.Area, entry.GetProperty("area").GetInt32());
        float iou = entry.GetProperty("predictedIou").GetSingle();
        Assert.InRange(iou, 0f, 1.5f);
    }

    [Fact]
    public async Task Segment_SeveralBoxes_ReturnsOneMaskPerBox()
    {
        using var form = TestImages.Form(Image, fields: ("boxes", "[[20,10,120,100],[80,40,190,140]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment?format=json", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, body.RootElement.GetProperty("masks").GetArrayLength());
    }

    [Fact]
    public async Task Segment_TruncatedJpeg_Returns400ImageUndecodableWithoutStackTrace()
    {
        using var form = TestImages.Form(Image[..(Image.Length * 4 / 10)], fields: ("points", "[[100,75,1]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "image-undecodable");
    }

    [Fact]
    public async Task Segment_PointOutsideImage_Returns400InvalidPrompt()
    {
        using var form = TestImages.Form(Image, fields: ("points", "[[1000,75,1]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        string detail = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid-prompt");
        Assert.Contains("200x150", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("points", "[[100,75,1]")]
    [InlineData("points", "[[100,75,7]]")]
    [InlineData("box", "[1,2,3]")]
    [InlineData("prompt", "{\"point\":[[1,2]]}")]
    public async Task Segment_MalformedPrompt_Returns400InvalidPrompt(string field, string value)
    {
        using var form = TestImages.Form(Image, fields: (field, value));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid-prompt");
    }

    [Fact]
    public async Task Segment_NoImage_Returns400InvalidRequest()
    {
        using var form = new MultipartFormDataContent { { new StringContent("[[1,2,1]]"), "points" } };
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task Segment_RawImageBody_ReturnsMask()
    {
        using var content = new ByteArrayContent(Image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment?prompt=" + Uri.EscapeDataString("{\"box\":[20,10,190,140]}"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        BinaryMask mask = TestImages.MaskFromPng(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((200, 150), (mask.Width, mask.Height));
    }
}
