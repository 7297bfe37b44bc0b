using System.Globalization;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Models;

namespace SkinSam.Server;

/// <summary>A mask as the response: the PNG (0/255) by default, JSON with COCO RLE, predicted IoU and area on request.</summary>
internal static class MaskResponses
{
    /// <summary>True when the client asked for JSON: <c>?format=json</c> or <c>Accept: application/json</c>.</summary>
    public static bool WantsJson(HttpRequest request)
    {
        string? format = request.Query["format"];
        if (!string.IsNullOrEmpty(format))
        {
            return format.Equals("json", StringComparison.OrdinalIgnoreCase)
                ? true
                : format.Equals("png", StringComparison.OrdinalIgnoreCase)
                    ? false
                    : throw new BadHttpRequestException($"Expected format=png or format=json; got format={format}.");
        }

        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
    }

    public static IResult Create(HttpContext context, IReadOnlyList<SegmentationResult> results, string? embeddingId)
    {
        if (WantsJson(context.Request))
        {
            BinaryMask first = results[0].Mask;
            return TypedResults.Json(new MaskResponse(
                first.Width,
                first.Height,
                embeddingId,
                [.. results.Select(r => new MaskEntry(
                    new RleBody([r.Mask.Height, r.Mask.Width], r.Mask.ToCocoRle().ToCompressedString()),
                    r.PredictedIou,
                    r.StabilityScore,
                    r.Area,
                    [r.BoundingBox.X, r.BoundingBox.Y, r.BoundingBox.Width, r.BoundingBox.Height]))]));
        }

        BinaryMask mask = results.Count == 1 ? results[0].Mask : BinaryMask.Union([.. results.Select(r => r.Mask)]);
        context.Response.Headers["X-Predicted-Iou"] = string.Join(",", results.Select(r => r.PredictedIou.ToString("F4", CultureInfo.InvariantCulture)));
        context.Response.Headers["X-Mask-Area"] = mask.Area.ToString(CultureInfo.InvariantCulture);
        if (embeddingId is not null)
        {
            context.Response.Headers["X-Embedding-Id"] = embeddingId;
        }

        return Results.Stream(body => MaskImage.WritePngAsync(mask, body, context.RequestAborted), "image/png");
    }
}

/// <summary>The JSON answer of a segmentation: the mask size, the embedding id when there is one, one entry per prompt.</summary>
internal sealed record MaskResponse(int Width, int Height, string? EmbeddingId, IReadOnlyList<MaskEntry> Masks);

/// <summary>One mask: COCO RLE, the model's predicted IoU, the stability score, the area in pixels and the bounding box [x, y, w, h].</summary>
internal sealed record MaskEntry(RleBody Rle, float PredictedIou, float StabilityScore, int Area, int[] Box);

/// <summary>COCO's compressed RLE: <c>size</c> is [height, width], <c>counts</c> the compressed string.</summary>
internal sealed record RleBody(int[] Size, string Counts);

/// <summary>The answer of <c>POST /v1/embeddings</c>.</summary>
internal sealed record EmbeddingResponse(string Id, int Width, int Height, string Model);
