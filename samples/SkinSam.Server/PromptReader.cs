using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Server;

/// <summary>
/// Reads the prompt of a request: a JSON object <c>{"points":[[x,y,label],...],"box":[x0,y0,x1,y1],"boxes":[[...],...]}</c>
/// (label 1 positive, 0 negative; pixels of the original image). Several boxes give one prompt per box, each with the points.
/// </summary>
internal static class PromptReader
{
    public const int MaxBoxes = 64;

    /// <summary>The prompts of a form: the <c>prompt</c> field (a whole object), or the <c>points</c>, <c>box</c> and <c>boxes</c> fields.</summary>
    /// <exception cref="InvalidPromptException">A field is not the JSON it should be.</exception>
    public static IReadOnlyList<SegmentationPrompt> FromForm(IFormCollection form)
    {
        if (form.TryGetValue("prompt", out var whole) && !string.IsNullOrWhiteSpace(whole))
        {
            return FromJson(whole.ToString());
        }

        using var points = Parse(form, "points");
        using var box = Parse(form, "box");
        using var boxes = Parse(form, "boxes");
        return Build(points?.RootElement, box?.RootElement, boxes?.RootElement);
    }

    /// <summary>The prompts of a JSON object.</summary>
    /// <exception cref="InvalidPromptException">The text is not such an object.</exception>
    public static IReadOnlyList<SegmentationPrompt> FromJson(string json)
    {
        using JsonDocument document = ParseText(json, "prompt");
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidPromptException($"Expected a prompt object, e.g. {{\"points\":[[120,80,1]]}}; got a JSON {root.ValueKind}.");
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name is not ("points" or "box" or "boxes"))
            {
                throw new InvalidPromptException($"Expected only the members points, box and boxes in the prompt; got '{property.Name}'.");
            }
        }

        return Build(
            root.TryGetProperty("points", out JsonElement p) ? p : null,
            root.TryGetProperty("box", out JsonElement b) ? b : null,
            root.TryGetProperty("boxes", out JsonElement bs) ? bs : null);
    }

    private static IReadOnlyList<SegmentationPrompt> Build(JsonElement? points, JsonElement? box, JsonElement? boxes)
    {
        PromptPoint[] parsedPoints = points is { } p ? ReadPoints(p) : [];
        var parsedBoxes = new List<PromptBox>();
        if (box is { ValueKind: not JsonValueKind.Null } single)
        {
            parsedBoxes.Add(ReadBox(single, "box"));
        }

        if (boxes is { ValueKind: not JsonValueKind.Null } many)
        {
            if (many.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidPromptException($"Expected boxes as an array of [x0,y0,x1,y1]; got a JSON {many.ValueKind}.");
            }

            int i = 0;
            foreach (JsonElement element in many.EnumerateArray())
            {
                parsedBoxes.Add(ReadBox(element, $"boxes[{i++}]"));
            }
        }

        if (parsedBoxes.Count > MaxBoxes)
        {
            throw new InvalidPromptException($"Expected at most {MaxBoxes} boxes; got {parsedBoxes.Count}.");
        }

        if (parsedBoxes.Count == 0)
        {
            return [new SegmentationPrompt { Points = parsedPoints }];
        }

        return [.. parsedBoxes.Select(b => new SegmentationPrompt { Points = parsedPoints, Box = b })];
    }

    private static PromptPoint[] ReadPoints(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidPromptException($"Expected points as an array of [x,y] or [x,y,label]; got a JSON {element.ValueKind}.");
        }

        var points = new List<PromptPoint>();
        int i = 0;
        foreach (JsonElement point in element.EnumerateArray())
        {
            if (points.Count >= SegmentationPrompt.MaxPoints)
            {
                throw new InvalidPromptException($"Expected at most {SegmentationPrompt.MaxPoints} points; got more.");
            }

            float[] values = ReadNumbers(point, $"points[{i}]", 2, 3);
            PointLabel label = PointLabel.Positive;
            if (values.Length == 3)
            {
                label = values[2] switch
                {
                    1 => PointLabel.Positive,
                    0 => PointLabel.Negative,
                    _ => throw new InvalidPromptException($"Expected the label of points[{i}] to be 1 (positive) or 0 (negative); got {values[2].ToString(CultureInfo.InvariantCulture)}."),
                };
            }

            points.Add(new PromptPoint(values[0], values[1], label));
            i++;
        }

        return [.. points];
    }

    private static PromptBox ReadBox(JsonElement element, string what)
    {
        float[] v = ReadNumbers(element, what, 4, 4);
        return new PromptBox(v[0], v[1], v[2], v[3]);
    }

    private static float[] ReadNumbers(JsonElement element, string what, int min, int max)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidPromptException($"Expected {what} as an array of {min}{(min == max ? string.Empty : $" or {max}")} numbers; got a JSON {element.ValueKind}.");
        }

        int count = element.GetArrayLength();
        if (count < min || count > max)
        {
            throw new InvalidPromptException($"Expected {what} to hold {min}{(min == max ? string.Empty : $" or {max}")} numbers; got {count}.");
        }

        var values = new float[count];
        int i = 0;
        foreach (JsonElement number in element.EnumerateArray())
        {
            if (number.ValueKind != JsonValueKind.Number || !number.TryGetSingle(out float value) || !float.IsFinite(value))
            {
                throw new InvalidPromptException($"Expected finite numbers in {what}; got {number.GetRawText()}.");
            }

            values[i++] = value;
        }

        return values;
    }

    private static JsonDocument? Parse(IFormCollection form, string field) =>
        form.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? ParseText(value.ToString(), field) : null;

    private static JsonDocument ParseText(string text, string field)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidPromptException($"Expected JSON in the {field} field, e.g. {{\"points\":[[120,80,1]]}}; got {ex.Message}", ex);
        }
    }
}
