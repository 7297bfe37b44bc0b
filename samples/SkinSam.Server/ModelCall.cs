using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SkinSam.Sdk.Hosting;

namespace SkinSam.Server;

/// <summary>
/// Runs a request's model work under the concurrency limiter and maps what goes wrong to problem details: a full queue is
/// 429, a wait past the queue timeout is 503, both with Retry-After; the SDK's exceptions get their codes.
/// </summary>
internal static class ModelCall
{
    public static async Task<IResult> RunAsync(HttpContext context, Func<CancellationToken, Task<IResult>> work)
    {
        CancellationToken cancel = context.RequestAborted;
        SkinSamServingOptions serving = context.Serving();
        var limiter = context.RequestServices.GetRequiredService<SegmentationConcurrencyLimiter>();
        try
        {
            LimiterLease lease = await limiter.AcquireAsync(cancel).ConfigureAwait(false);
            if (lease.Outcome != LimiterOutcome.Granted)
            {
                return Overloaded(context, serving.RetryAfterSeconds, lease.Outcome);
            }

            context.Response.OnCompleted(() =>
            {
                MemoryRelease.OnModelRequestEnded(limiter.Running);
                return Task.CompletedTask;
            });
            using (lease.Slot)
            {
                IResult result = await work(cancel).ConfigureAwait(false);
                SkinSamServingMetrics.Requests.Add(1, new KeyValuePair<string, object?>("endpoint", context.Request.Path.Value));
                return result;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away: nobody reads the answer.
            return TypedResults.Empty;
        }
        catch (Exception ex) when (ServiceProblem.FromException(ex) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>Runs a whole handler, answering the SDK's and the request's known failures as problems (client errors are not logged as crashes).</summary>
    public static async Task<IResult> HandleAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceProblem.FromException(ex) is { } problem)
        {
            return problem;
        }
    }

    private static ProblemHttpResult Overloaded(HttpContext context, int retryAfterSeconds, LimiterOutcome outcome)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return outcome == LimiterOutcome.QueueFull
            ? ServiceProblem.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.Overloaded, "Too many requests", "Expected a free place in the request queue; got a full queue. Retry after the Retry-After delay.", retryAfterSeconds)
            : ServiceProblem.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Overloaded, "Service busy", "Expected a model slot within the queue timeout; got none. Retry after the Retry-After delay.", retryAfterSeconds);
    }
}
