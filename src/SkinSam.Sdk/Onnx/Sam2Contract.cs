using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The SAM 2.1 image-mode ONNX contract (docs/models.md, "The SAM 2.1 ONNX contract"): the community exporters' names,
/// the shapes of the three encoder outputs, and what a decoder's signature says about how to feed it.
/// </summary>
internal static class Sam2Contract
{
    public const string FamilyName = "sam2";

    public const string ImageInput = "image";
    public const string ImageEmbed = "image_embed";
    public const string HighResFeats0 = "high_res_feats_0";
    public const string HighResFeats1 = "high_res_feats_1";

    public const int EmbedChannels = SamContract.EmbeddingChannels;
    public const int EmbedSide = SamContract.EmbeddingSide;
    public const int Feats0Channels = 32;
    public const int Feats0Side = 256;
    public const int Feats1Channels = 64;
    public const int Feats1Side = 128;

    /// <summary>The three encoder outputs in the order an embedding holds them (image_embed first, as <see cref="ImageEmbedding.Values"/> shows it).</summary>
    public static readonly string[] FeatureNames = [ImageEmbed, HighResFeats0, HighResFeats1];

    /// <summary>Shapes of <see cref="FeatureNames"/>, in the same order.</summary>
    public static readonly int[][] FeatureShapes =
    [
        [1, EmbedChannels, EmbedSide, EmbedSide],
        [1, Feats0Channels, Feats0Side, Feats0Side],
        [1, Feats1Channels, Feats1Side, Feats1Side],
    ];

    /// <summary>Floats of each of <see cref="FeatureNames"/>.</summary>
    public static readonly int[] FeatureLengths = [.. FeatureShapes.Select(s => s.Aggregate(1, (a, b) => a * b))];

    /// <summary>Floats of all three features: 4 Mi, one pooled buffer per embedding.</summary>
    public static readonly int FeaturesLength = FeatureLengths.Sum();

    /// <summary>True when a decoder's inputs are those of a SAM 2 export (the three feature inputs), whatever else it has.</summary>
    public static bool LooksLikeSam2Decoder(IReadOnlyDictionary<string, NodeMetadata> inputs) =>
        FeatureNames.All(inputs.ContainsKey) && !inputs.ContainsKey(SamContract.EmbeddingsName);

    /// <summary>Checks the encoder fully: one NCHW input <c>image</c>, the three feature outputs by name.</summary>
    public static void CheckEncoder(InferenceSession session, EncoderVariant? declared, string file)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        IReadOnlyDictionary<string, NodeMetadata> outputs = session.OutputMetadata;
        var problems = new List<string>();
        if (declared is { } d && d != EncoderVariant.ImageNchw)
        {
            problems.Add($"expected encoder variant ImageNchw (the only SAM 2.1 encoder export); model.json declares {d}");
        }

        AddIf(problems, OnnxSignature.Check(inputs, ImageInput, [1, 3, SamContract.FrameSize, SamContract.FrameSize]));
        if (inputs.Count != 1)
        {
            problems.Add($"expected exactly one input; got {inputs.Count}: {OnnxSignature.DescribeAll(inputs)}");
        }

        for (int i = 0; i < FeatureNames.Length; i++)
        {
            AddIf(problems, OnnxSignature.Check(outputs, FeatureNames[i], FeatureShapes[i]));
        }

        Throw(file, "encoder", problems, inputs, outputs);
    }

    /// <summary>
    /// Checks the decoder fully and reads what its signature says: whether it takes <c>orig_im_size</c> (and as which
    /// element type), whether it has the full-size <c>masks</c> output, and the mask count K (axis 1 of
    /// <c>iou_predictions</c>, else of <c>low_res_masks</c>; -1 when both are dynamic).
    /// </summary>
    public static Sam2DecoderSignature CheckDecoder(InferenceSession session, DecoderVariant? declared, string file, bool batchAxis)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        IReadOnlyDictionary<string, NodeMetadata> outputs = session.OutputMetadata;
        var problems = new List<string>();
        if (batchAxis)
        {
            problems.Add("expected model.json decoder.batchAxis false (the SDK runs SAM 2.1 decoders one prompt per run); got true");
        }

        for (int i = 0; i < FeatureNames.Length; i++)
        {
            AddIf(problems, OnnxSignature.Check(inputs, FeatureNames[i], FeatureShapes[i]));
        }

        AddIf(problems, OnnxSignature.Check(inputs, SamContract.PointCoords, [1, -1, 2]));
        AddIf(problems, OnnxSignature.Check(inputs, SamContract.PointLabels, [1, -1]));
        AddIf(problems, OnnxSignature.Check(inputs, SamContract.MaskInput, [1, 1, SamContract.LowResSide, SamContract.LowResSide]));
        AddIf(problems, OnnxSignature.Check(inputs, SamContract.HasMaskInput, [1]));
        TensorElementType? sizeType = null;
        if (inputs.TryGetValue(SamContract.OrigImSize, out NodeMetadata? size))
        {
            if (size.IsTensor && size.ElementDataType is TensorElementType.Int32 or TensorElementType.Int64 or TensorElementType.Float
                && size.Dimensions.Length == 1 && size.Dimensions[0] is 2 or -1)
            {
                sizeType = size.ElementDataType;
            }
            else
            {
                problems.Add($"expected {SamContract.OrigImSize} int32, int64 or float32 [2]; got {OnnxSignature.Describe(SamContract.OrigImSize, size)}");
            }
        }

        string[] known = [.. FeatureNames, SamContract.PointCoords, SamContract.PointLabels, SamContract.MaskInput, SamContract.HasMaskInput, SamContract.OrigImSize];
        foreach (string extra in inputs.Keys.Where(k => !known.Contains(k)))
        {
            problems.Add($"expected no input '{extra}' (the SDK cannot feed it); got {OnnxSignature.Describe(extra, inputs[extra])}");
        }

        AddIf(problems, OnnxSignature.Check(outputs, SamContract.IouPredictions, [1, -1]));
        AddIf(problems, OnnxSignature.Check(outputs, SamContract.LowResMasks, [1, -1, SamContract.LowResSide, SamContract.LowResSide]));
        bool hasMasks = outputs.ContainsKey(SamContract.Masks);
        if (hasMasks)
        {
            AddIf(problems, OnnxSignature.Check(outputs, SamContract.Masks, [1, -1, -1, -1]));
            if (sizeType is null)
            {
                problems.Add($"expected input '{SamContract.OrigImSize}' with the output '{SamContract.Masks}' (the graph resizes to the original size); got none");
            }
        }

        Throw(file, "decoder", problems, inputs, outputs);

        int k = outputs[SamContract.IouPredictions].Dimensions[1];
        if (k < 0)
        {
            k = outputs[SamContract.LowResMasks].Dimensions[1];
        }

        if (k is not (-1 or 1 or 3 or 4))
        {
            throw new ModelContractException(
                $"{file}: expected K = 4 (all mask tokens), 3 (the multimask tokens) or 1 masks on axis 1 of '{SamContract.IouPredictions}'; got {k}. Actual outputs: {OnnxSignature.DescribeAll(outputs)}.");
        }

        DecoderVariant detected = !hasMasks ? DecoderVariant.LowResOnly : k == 1 ? DecoderVariant.SingleMask : DecoderVariant.Multimask;
        if (declared is { } d && d != detected && !(d == DecoderVariant.SingleMask && k < 0 && hasMasks))
        {
            throw new ModelContractException(
                $"{file}: model.json declares decoder variant {d}, but the ONNX signature is that of {detected} (outputs: {OnnxSignature.DescribeAll(outputs)}).");
        }

        if (declared == DecoderVariant.SingleMask)
        {
            detected = DecoderVariant.SingleMask;
        }

        // A graph without orig_im_size is samexporter's layout, which appends the (0, 0, -1) padding point itself.
        return new Sam2DecoderSignature(detected, k, sizeType, hasMasks, GraphAppendsPadding: sizeType is null);
    }

    private static void AddIf(List<string> problems, string? problem)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }
    }

    private static void Throw(string file, string role, List<string> problems, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        if (problems.Count == 0)
        {
            return;
        }

        throw new ModelContractException(
            $"{file} does not match the SAM 2.1 {role} contract: {string.Join("; ", problems)}. " +
            $"Actual inputs: {OnnxSignature.DescribeAll(inputs)}. Actual outputs: {OnnxSignature.DescribeAll(outputs)}.");
    }
}

/// <summary>What a SAM 2.1 decoder's ONNX signature says about feeding it and reading it.</summary>
/// <param name="Variant">Multimask (full-size <c>masks</c> output, K &gt; 1), single-mask (K = 1) or low-res-only (no <c>masks</c>).</param>
/// <param name="MaskCount">K on axis 1 of the outputs, or -1 when dynamic (read per run).</param>
/// <param name="SizeType">The element type of <c>orig_im_size</c>, or null when the graph has no such input.</param>
/// <param name="HasMasks">True when the graph has the full-size <c>masks</c> output.</param>
/// <param name="GraphAppendsPadding">True when the graph appends the padding point itself (no <c>orig_im_size</c>: samexporter's layout).</param>
internal readonly record struct Sam2DecoderSignature(DecoderVariant Variant, int MaskCount, TensorElementType? SizeType, bool HasMasks, bool GraphAppendsPadding);
