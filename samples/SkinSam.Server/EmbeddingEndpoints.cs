using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;

namespace SkinSam.Server;

/// <summary>
/// <c>POST /v1/embeddings</c> encodes an image once and answers an id; <c>POST /v1/embeddings/{id}/decode</c> decodes
/// prompts against it (tens of milliseconds instead of the encoder's hundreds): the interactive page's loop.
/// </summary>
internal static class EmbeddingEndpoints
{
    /// <summary>The largest decode prompt body (1,024 points as JSON fit in well under this).</summary>
    public const int MaxPromptBytes = 256 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/embeddings", EncodeAsync)
            .DisableAntiforgery()
            .WithName("CreateEmbedding")
            .WithSummary("Encodes an uploaded image and keeps its embedding; answers its id.")
            .Produces<EmbeddingResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/v1/embeddings/{id}/decode", DecodeAsync)
            .WithName("DecodeEmbedding")
            .WithSummary("Decodes a prompt ({\"points\":[[x,y,label]],\"box\":[x0,y0,x1,y1]}) against a kept embedding; PNG or JSON as /v1/segment.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .Produces<MaskResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static Task<IResult> EncodeAsync(HttpContext context, ISegmentationModel model, EmbeddingStore store) =>
        ModelCall.HandleAsync(() => EncodeCoreAsync(context, model, store));

    private static Task<IResult> DecodeAsync(string id, HttpContext context, ISegmentationModel model, EmbeddingStore store) =>
        ModelCall.HandleAsync(() => DecodeCoreAsync(id, context, model, store));

    private static async Task<IResult> EncodeCoreAsync(HttpContext context, ISegmentationModel model, EmbeddingStore store)
    {
        ImageUpload upload = await ImageUpload.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        return await ModelCall.RunAsync(context, async cancel =>
        {
            ImageBuffer image = await upload.DecodeAsync(context, cancel).ConfigureAwait(false);
            string id = ImageEmbeddingCache.ComputeImageKey(image);
            if (store.Find(id) is null)
            {
                ImageEmbedding embedding = await Task.Run(() => store.Cache.GetOrEncode(model, image, cancel), cancel).ConfigureAwait(false);
                store.Add(id, embedding);
            }

            return TypedResults.Created($"/v1/embeddings/{id}", new EmbeddingResponse(id, image.Width, image.Height, model.Info.Name));
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> DecodeCoreAsync(string id, HttpContext context, ISegmentationModel model, EmbeddingStore store)
    {
        if (context.Request.ContentLength > MaxPromptBytes)
        {
            return ServiceProblem.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.InvalidPrompt, "Prompt too large", $"Expected a prompt of at most {MaxPromptBytes} bytes; got {context.Request.ContentLength}.");
        }

        using var reader = new StreamReader(context.Request.Body);
        string json = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        return await ModelCall.RunAsync(context, async cancel =>
        {
            var prompts = PromptReader.FromJson(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            ImageEmbedding? embedding = store.Find(id);
            if (embedding is null || embedding.IsDisposed)
            {
                return ServiceProblem.Create(StatusCodes.Status404NotFound, ErrorCodes.EmbeddingNotFound, "Embedding not found", $"Expected the id of a kept embedding (from POST /v1/embeddings); got '{id}', which is not (or no longer) kept. Upload the image again.");
            }

            IReadOnlyList<SegmentationResult> results = await Task.Run(() => model.DecodeBatch(embedding, prompts, null, cancel), cancel).ConfigureAwait(false);
            return MaskResponses.Create(context, results, id);
        }).ConfigureAwait(false);
    }
}
