using System.Net;
using System.Text.Json;

namespace SkinSam.Server.Tests;

internal static class ProblemAssert
{
    /// <summary>Checks an RFC 7807 answer: the status, application/problem+json, the stable code, and no stack trace; returns the detail.</summary>
    public static async Task<string> HasCodeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument body = JsonDocument.Parse(text);
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, body.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(" at SkinSam.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return body.RootElement.GetProperty("detail").GetString() ?? string.Empty;
    }
}
