using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SkinSam.Server.Tests;

public sealed class HealthAndOpenApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Ready_AfterWarmUp_Returns200WithTheLimiterState()
    {
        using HttpResponseMessage live = await server.Client.GetAsync("health/live");
        using HttpResponseMessage ready = await server.Client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        JsonElement body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("maxConcurrent").GetInt32() >= 1);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryEndpoint()
    {
        JsonElement document = await server.Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        JsonElement paths = document.GetProperty("paths");

        foreach (string path in new[] { "/v1/segment", "/v1/embeddings", "/v1/embeddings/{id}/decode", "/health/live", "/health/ready" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the OpenAPI document has no {path}");
        }
    }

    [Fact]
    public async Task Page_Root_ServesTheInteractivePage()
    {
        string html = await server.Client.GetStringAsync(string.Empty);

        Assert.Contains("app.js", html, StringComparison.Ordinal);
        Assert.Contains("id=\"file\"", html, StringComparison.Ordinal);
    }
}
