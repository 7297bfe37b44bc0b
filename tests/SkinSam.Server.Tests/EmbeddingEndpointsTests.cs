using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkinSam.Sdk.Masks;

namespace SkinSam.Server.Tests;

public sealed class EmbeddingEndpointsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly byte[] Image = File.ReadAllBytes(TestImages.ImagePath);

    [Fact]
    public async Task Decode_AfterEncode_GivesTheSameMaskAsSegment()
    {
        (int x, int y) = TestImages.PointInsideLesion();
        using var encodeForm = TestImages.Form(Image);
        using HttpResponseMessage created = await server.Client.PostAsync("v1/embeddings", encodeForm);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        JsonElement body = await created.Content.ReadFromJsonAsync<JsonElement>();
        string id = body.GetProperty("id").GetString()!;
        Assert.Equal(200, body.GetProperty("width").GetInt32());

        using var prompt = new StringContent($"{{\"points\":[[{x},{y},1]]}}", Encoding.UTF8, "application/json");
        using HttpResponseMessage decoded = await server.Client.PostAsync($"v1/embeddings/{id}/decode", prompt);
        using var segmentForm = TestImages.Form(Image, fields: ("points", $"[[{x},{y},1]]"));
        using HttpResponseMessage segmented = await server.Client.PostAsync("v1/segment", segmentForm);

        Assert.Equal(HttpStatusCode.OK, decoded.StatusCode);
        BinaryMask fromDecode = TestImages.MaskFromPng(await decoded.Content.ReadAsByteArrayAsync());
        BinaryMask fromSegment = TestImages.MaskFromPng(await segmented.Content.ReadAsByteArrayAsync());
        Assert.Equal(fromSegment.Data.ToArray(), fromDecode.Data.ToArray());
        Assert.Equal(id, decoded.Headers.GetValues("X-Embedding-Id").Single());
    }

    [Fact]
    public async Task Encode_SameImageTwice_GivesTheSameId()
    {
        using var first = TestImages.Form(Image);
        using var second = TestImages.Form(Image, "again.jpg");
        JsonElement a = await (await server.Client.PostAsync("v1/embeddings", first)).Content.ReadFromJsonAsync<JsonElement>();
        JsonElement b = await (await server.Client.PostAsync("v1/embeddings", second)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Decode_UnknownId_Returns404EmbeddingNotFound()
    {
        using var prompt = new StringContent("{\"points\":[[10,10,1]]}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Client.PostAsync("v1/embeddings/0123abcd/decode", prompt);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.NotFound, "embedding-not-found");
    }
}
