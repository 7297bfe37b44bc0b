using Microsoft.Extensions.Options;
using SkinSam.Sdk.Hosting;
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Server;

/// <summary>
/// The image and prompt of a request: a multipart form with the file in <c>image</c> (and <c>prompt</c>, <c>points</c>,
/// <c>box</c>, <c>boxes</c> fields), or a raw body of type <c>image/*</c> or <c>application/octet-stream</c> with the prompt
/// in the <c>prompt</c> query parameter.
/// </summary>
internal sealed class ImageUpload
{
    private ImageUpload(Stream body, string name, IReadOnlyList<SegmentationPrompt> prompts)
    {
        Body = body;
        Name = name;
        Prompts = prompts;
    }

    public Stream Body { get; }

    public string Name { get; }

    public IReadOnlyList<SegmentationPrompt> Prompts { get; }

    /// <summary>Reads the form (a multipart file above 64 KB is buffered to disk by ASP.NET, not memory).</summary>
    /// <exception cref="BadHttpRequestException">Neither a form with an image nor an image body.</exception>
    public static async Task<ImageUpload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            IFormFile? file = form.Files.GetFile("image") ?? (form.Files.Count == 1 ? form.Files[0] : null);
            if (file is null)
            {
                throw new BadHttpRequestException($"Expected the image as a file in the form field 'image'; got {(form.Files.Count == 0 ? "no file" : $"{form.Files.Count} files, none named 'image'")}.");
            }

            return new ImageUpload(file.OpenReadStream(), string.IsNullOrEmpty(file.FileName) ? "image" : file.FileName, PromptReader.FromForm(form));
        }

        string type = request.ContentType ?? string.Empty;
        if (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            string? prompt = request.Query["prompt"];
            IReadOnlyList<SegmentationPrompt> prompts = string.IsNullOrWhiteSpace(prompt) ? [SegmentationPrompt.None] : PromptReader.FromJson(prompt);
            return new ImageUpload(request.Body, "image", prompts);
        }

        throw new BadHttpRequestException($"Expected multipart/form-data with an 'image' file, or an image/* body; got content type '{(type.Length == 0 ? "none" : type)}'.");
    }

    /// <summary>
    /// Decodes the image within the serving limits, then fits it to the model frame limit. A large image is tracked for
    /// <see cref="MemoryRelease"/> until the response has completed.
    /// </summary>
    public async Task<ImageBuffer> DecodeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        SkinSamServingOptions serving = context.Serving();
        var options = new ImageLoadOptions { MaxBytes = serving.MaxImageBytes, MaxPixels = serving.MaxImagePixels };
        ImageBuffer image = await ImageFile.LoadAsync(Body, Name, options, cancellationToken).ConfigureAwait(false);
        var limiter = context.RequestServices.GetRequiredService<SegmentationConcurrencyLimiter>();
        if (MemoryRelease.Track((long)image.Width * image.Height, () => limiter.Running) is { } large)
        {
            context.Response.RegisterForDispose(large);
        }

        return ModelFrame.Fit(image, serving.MaxModelSide);
    }
}

/// <summary>Resolves the serving options once per request.</summary>
internal static class ServingOptionsExtensions
{
    public static SkinSamServingOptions Serving(this HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<SkinSamServingOptions>>().Value;
}
