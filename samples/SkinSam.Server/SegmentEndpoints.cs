using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;

namespace SkinSam.Server;

/// <summary><c>POST /v1/segment</c>: an image and an optional prompt in, a mask out.</summary>
internal static class SegmentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/segment", SegmentAsync)
            .DisableAntiforgery()
            .WithName("Segment")
            .WithSummary("Segments an uploaded image.")
            .WithDescription("multipart/form-data: 'image' (file), optional 'prompt' ({\"points\":[[x,y,label]],\"box\":[x0,y0,x1,y1],\"boxes\":[...]}) or 'points'/'box'/'boxes' fields. Returns image/png (0/255) by default; JSON with COCO RLE, predicted IoU and area with Accept: application/json or ?format=json.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .Produces<MaskResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static Task<IResult> SegmentAsync(HttpContext context, ISegmentationModel model) =>
        ModelCall.HandleAsync(() => SegmentCoreAsync(context, model));

    private static async Task<IResult> SegmentCoreAsync(HttpContext context, ISegmentationModel model)
    {
        _ = MaskResponses.WantsJson(context.Request);
        ImageUpload upload = await ImageUpload.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        return await ModelCall.RunAsync(context, async cancel =>
        {
            ImageBuffer image = await upload.DecodeAsync(context, cancel).ConfigureAwait(false);
            IReadOnlyList<SegmentationResult> results = await Task.Run(
                () =>
                {
                    using ImageEmbedding embedding = model.Encode(image, cancel);
                    return model.DecodeBatch(embedding, upload.Prompts, null, cancel);
                },
                cancel).ConfigureAwait(false);
            IResult response = MaskResponses.Create(context, results, null);
            return response;
        }).ConfigureAwait(false);
    }
}
