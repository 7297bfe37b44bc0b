using System.Net;
using SkinSam.Sdk.Hosting;

namespace SkinSam.Server.Tests;

public sealed class LimitsTests(TightLimitsServerFixture server) : IClassFixture<TightLimitsServerFixture>
{
    private static readonly byte[] Image = File.ReadAllBytes(TestImages.ImagePath);

    [Fact]
    public async Task Segment_OverThePixelLimit_Returns413ImageTooLarge()
    {
        using var form = TestImages.Form(Image, fields: ("points", "[[100,75,1]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        string detail = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.RequestEntityTooLarge, "image-too-large");
        Assert.Contains("20000", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segment_OverTheByteLimit_Returns413ImageTooLarge()
    {
        var big = new byte[300_000];
        Image.CopyTo(big, 0);
        using var form = TestImages.Form(big, fields: ("points", "[[100,75,1]]"));
        using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.RequestEntityTooLarge, "image-too-large");
    }

    [Fact]
    public async Task Segment_AllSlotsTakenAndNoQueue_Returns429WithRetryAfter()
    {
        var limiter = server.App.Services.GetRequiredService<SegmentationConcurrencyLimiter>();
        LimiterLease held = await limiter.AcquireAsync();
        Assert.Equal(LimiterOutcome.Granted, held.Outcome);
        try
        {
            using var form = TestImages.Form(Image, fields: ("points", "[[100,75,1]]"));
            using HttpResponseMessage response = await server.Client.PostAsync("v1/segment", form);

            await ProblemAssert.HasCodeAsync(response, HttpStatusCode.TooManyRequests, "overloaded");
            Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        }
        finally
        {
            held.Slot!.Dispose();
        }
    }
}
