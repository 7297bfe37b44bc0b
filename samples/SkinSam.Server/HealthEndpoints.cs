using SkinSam.Sdk.Hosting;

namespace SkinSam.Server;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the model has loaded and warmed up).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }))
            .WithName("Live").WithSummary("The process is up.");
        app.MapGet("/health/ready", (SkinSamReadiness readiness, SegmentationConcurrencyLimiter limiter) => readiness.IsReady
                ? Results.Ok(new { status = "ready", running = limiter.Running, queued = limiter.Queued, maxConcurrent = limiter.MaxConcurrent })
                : Results.Json(new { status = readiness.Failure is null ? "loading" : "failed", failure = readiness.Failure }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready").WithSummary("The model has loaded and warmed up; 503 while loading or after a failed load.");
    }
}
