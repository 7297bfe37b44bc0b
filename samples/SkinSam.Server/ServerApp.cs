using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SkinSam.Models;
using SkinSam.Sdk.Hosting;

namespace SkinSam.Server;

/// <summary>Builds the service: configuration binding, limits, problem details, the endpoints, the page and the OpenAPI description.</summary>
internal static class ServerApp
{
    /// <summary>Bytes a multipart upload may carry beyond the image (boundaries, the prompt fields).</summary>
    public const long FormOverheadBytes = 1024 * 1024;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Large native blocks (the model's tensors with the arena off, ImageSharp's buffers) go back to the OS when freed.
        _ = MemoryRelease.TryFixMmapThreshold(MemoryRelease.MmapThresholdBytes);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        builder.Services.AddSkinSam(builder.Configuration.GetSection("SkinSam"), options =>
        {
            if (string.IsNullOrWhiteSpace(options.ModelPath))
            {
                options.ModelPath = SkinSamModels.DefaultModelFolder;
            }
        });
        builder.Services.AddSingleton(provider => new EmbeddingStore(provider.GetRequiredService<IOptions<SkinSamServingOptions>>().Value.EmbeddingCacheBytes));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        // Kestrel and the form reader refuse an upload over the limit while reading it, before it is all in.
        long maxBytes = builder.Configuration.GetSection("SkinSam:Serving").Get<SkinSamServingOptions>()?.MaxImageBytes ?? new SkinSamServingOptions().MaxImageBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBytes + FormOverheadBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = maxBytes + FormOverheadBytes;
            form.ValueLengthLimit = 1024 * 1024;
        });

        WebApplication app = builder.Build();
        app.UseExceptionHandler(handler => handler.Run(WriteUnhandledProblem));
        app.Use(async (context, next) =>
        {
            SkinSamServingMetrics.RequestsInFlight.Add(1);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                SkinSamServingMetrics.RequestsInFlight.Add(-1);
            }
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        HealthEndpoints.Map(app);
        SegmentEndpoints.Map(app);
        EmbeddingEndpoints.Map(app);
        return app;
    }

    /// <summary>The last resort: an exception no endpoint mapped. A problem with a code, never the exception's text or stack.</summary>
    private static async Task WriteUnhandledProblem(HttpContext context)
    {
        Exception? error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = (error is null ? null : ServiceProblem.FromException(error))
            ?? ServiceProblem.Create(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "Internal error", "The service failed; the log has the details.");
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }
}
