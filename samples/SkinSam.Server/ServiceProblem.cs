using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkinSam.Sdk;
using SkinSam.Sdk.Hosting;
using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Server;

/// <summary>
/// Turns the SDK's exception kinds into RFC 7807 problem details with a stable <c>code</c>: the message of the SDK's
/// exception (which says what was expected and what came) is the detail; a stack trace never is.
/// </summary>
internal static class ServiceProblem
{
    /// <summary>The problem for an exception, or null when it is not one the service knows (the caller rethrows it).</summary>
    public static ProblemHttpResult? FromException(Exception exception) => exception switch
    {
        ImageDecodeException { Failure: ImageDecodeFailure.OverLimit } e => Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ImageTooLarge, "Image too large", e.Message),
        ImageDecodeException e => Create(StatusCodes.Status400BadRequest, ErrorCodes.ImageUndecodable, "Image could not be decoded", e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ImageTooLarge, "Image too large", e.Message),
        BadHttpRequestException e => Create(e.StatusCode, ErrorCodes.InvalidRequest, "Invalid request", e.Message),
        InvalidDataException e => Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ImageTooLarge, "Upload too large", e.Message),
        ModelLoadException e => Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ModelError, "Model unavailable", e.Message),
        ModelOutputException e => Create(StatusCodes.Status500InternalServerError, ErrorCodes.ModelError, "Model failed", e.Message),
        ExecutionProviderException e => Create(StatusCodes.Status500InternalServerError, ErrorCodes.ModelError, "Model failed", e.Message),
        JsonException e => Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidPrompt, "Invalid prompt", $"Expected a prompt in JSON, e.g. {{\"points\":[[120,80,1]]}}; got {e.Message}"),
        ArgumentException e => Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidPrompt, "Invalid prompt", e.Message),
        _ => null,
    };

    /// <summary>A problem with the given status and code; records the failure under its code.</summary>
    public static ProblemHttpResult Create(int status, string code, string title, string detail, int? retryAfterSeconds = null)
    {
        SkinSamServingMetrics.Failures.Add(1, new KeyValuePair<string, object?>("kind", code));
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = "https://github.com/skinsam/SkinSam.Sdk/blob/main/docs/serving.md#" + code,
        };
        problem.Extensions["code"] = code;
        if (retryAfterSeconds is { } seconds)
        {
            problem.Extensions["retryAfterSeconds"] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(problem);
    }
}
