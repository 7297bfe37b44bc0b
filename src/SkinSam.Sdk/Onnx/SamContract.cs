using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Onnx;

/// <summary>The SAM v1 ONNX contract (DESIGN 3): names, shapes and types of encoder and decoder, and detection of their variants.</summary>
internal static class SamContract
{
    // The only place the SAM v1 sizes are written as numbers: everything else names these (ImageFrame, the
    // preprocessors' and upsamplers' public constants, SegmentationPrompt.LowResMaskSize, the manifest's inputSize).
    public const int EmbeddingChannels = 256;
    public const int EmbeddingSide = 64;
    public const int LowResSide = 256;
    public const int FrameSize = 1024;

    public const string ImageInput = "image";
    public const string HwcImageInput = "input_image";
    public const string EmbeddingsName = "image_embeddings";
    public const string PointCoords = "point_coords";
    public const string PointLabels = "point_labels";
    public const string MaskInput = "mask_input";
    public const string HasMaskInput = "has_mask_input";
    public const string OrigImSize = "orig_im_size";
    public const string Masks = "masks";
    public const string IouPredictions = "iou_predictions";
    public const string LowResMasks = "low_res_masks";

    /// <summary>
    /// The <c>orig_im_size</c> the SDK feeds, (h, w) = (1, 1024), whatever the image size. The mask comes from the
    /// chosen candidate's <c>low_res_masks</c> (upsampled by the profile, one candidate at a time), and the graph's
    /// <c>masks</c> output is never fetched; but ONNX Runtime runs every node of a graph whatever is fetched, so with
    /// the real (h, w) it would still build K original-size float planes in its arena (1.3 GB at 9000 x 9000, kept
    /// by the arena afterwards). For (1, 1024) the graph's crop (<c>resize_longest_image_size</c> of it is itself)
    /// keeps one row of its 1024 x 1024 upsampling and the final resize copies it: <c>masks</c> is [1, K, 1, 1024].
    /// <c>orig_im_size</c> feeds nothing else in the SAM v1 export (not the IoU, not <c>low_res_masks</c>).
    /// </summary>
    public static readonly float[] UnfetchedMasksSize = [1f, FrameSize];

    private static readonly int[] EmbeddingDims = [1, EmbeddingChannels, EmbeddingSide, EmbeddingSide];

    /// <summary>Finds which encoder export a session is and checks it fully.</summary>
    /// <param name="session">The encoder session.</param>
    /// <param name="declared">The variant model.json declares, if any.</param>
    /// <param name="file">The file, for messages.</param>
    /// <param name="inputSize">model.json's <c>inputSize</c>: the side of the NCHW input.</param>
    public static EncoderVariant DetectEncoder(InferenceSession session, EncoderVariant? declared, string file, int inputSize = FrameSize)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        EncoderVariant detected;
        if (inputs.TryGetValue(ImageInput, out NodeMetadata? nchw) && nchw.Dimensions.Length == 4)
        {
            detected = EncoderVariant.ImageNchw;
        }
        else if (inputs.TryGetValue(HwcImageInput, out NodeMetadata? hwc) && hwc.Dimensions.Length == 3)
        {
            detected = EncoderVariant.InputImageHwc;
        }
        else
        {
            throw new ModelContractException(
                $"{file}: expected the SAM encoder input '{ImageInput}' float32 [1,3,{inputSize},{inputSize}] (normalised NCHW) or '{HwcImageInput}' float32 [H,W,3] (RGB 0..255); " +
                $"got inputs: {OnnxSignature.DescribeAll(inputs)}.");
        }

        if (declared is { } d && d != detected)
        {
            throw new ModelContractException($"{file}: model.json declares encoder variant {d}, but the ONNX inputs are those of {detected}: {OnnxSignature.DescribeAll(inputs)}.");
        }

        var problems = new List<string>();
        string? p = detected == EncoderVariant.ImageNchw
            ? OnnxSignature.Check(inputs, ImageInput, [1, 3, inputSize, inputSize])
            : OnnxSignature.Check(inputs, HwcImageInput, [-1, -1, 3]);
        AddIf(problems, p);
        if (inputs.Count != 1)
        {
            problems.Add($"expected exactly one input; got {inputs.Count}: {OnnxSignature.DescribeAll(inputs)}");
        }

        AddIf(problems, OnnxSignature.Check(session.OutputMetadata, EmbeddingsName, EmbeddingDims));
        Throw(file, "encoder", problems, inputs, session.OutputMetadata);
        return detected;
    }

    /// <summary>Finds which decoder export a session is, checks it fully, and returns the mask count K (or -1 when dynamic).</summary>
    /// <param name="session">The decoder session.</param>
    /// <param name="declared">The variant model.json declares, if any.</param>
    /// <param name="file">The file, for messages.</param>
    /// <param name="batchAxis">model.json's <c>batchAxis</c>: the prompt inputs must then have a dynamic first axis.</param>
    public static (DecoderVariant Variant, int MaskCount) DetectDecoder(InferenceSession session, DecoderVariant? declared, string file, bool batchAxis = false)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        IReadOnlyDictionary<string, NodeMetadata> outputs = session.OutputMetadata;
        var problems = new List<string>();
        if (batchAxis)
        {
            foreach (string name in (string[])[PointCoords, PointLabels, MaskInput, HasMaskInput])
            {
                if (inputs.TryGetValue(name, out NodeMetadata? meta) && (meta.Dimensions.Length == 0 || meta.Dimensions[0] >= 0))
                {
                    problems.Add($"expected '{name}' with a dynamic prompt-batch axis first (model.json batchAxis is true); got {OnnxSignature.Describe(name, meta)}");
                }
            }
        }

        AddIf(problems, OnnxSignature.Check(inputs, EmbeddingsName, EmbeddingDims));
        AddIf(problems, OnnxSignature.Check(inputs, PointCoords, [1, -1, 2]));
        AddIf(problems, OnnxSignature.Check(inputs, PointLabels, [1, -1]));
        AddIf(problems, OnnxSignature.Check(inputs, MaskInput, [1, 1, LowResSide, LowResSide]));
        AddIf(problems, OnnxSignature.Check(inputs, HasMaskInput, [1]));
        bool hasMasks = outputs.ContainsKey(Masks);
        if (hasMasks || inputs.ContainsKey(OrigImSize))
        {
            AddIf(problems, OnnxSignature.Check(inputs, OrigImSize, [2]));
        }

        string[] known = [EmbeddingsName, PointCoords, PointLabels, MaskInput, HasMaskInput, OrigImSize];
        foreach (string extra in inputs.Keys.Where(k => !known.Contains(k)))
        {
            problems.Add($"expected no input '{extra}' (the SDK cannot feed it); got {OnnxSignature.Describe(extra, inputs[extra])}");
        }

        AddIf(problems, OnnxSignature.Check(outputs, IouPredictions, [1, -1]));
        AddIf(problems, OnnxSignature.Check(outputs, LowResMasks, [1, -1, LowResSide, LowResSide]));
        if (hasMasks)
        {
            AddIf(problems, OnnxSignature.Check(outputs, Masks, [1, -1, -1, -1]));
        }

        Throw(file, "decoder", problems, inputs, outputs);

        int k = outputs[IouPredictions].Dimensions[1];
        if (k < 0)
        {
            k = outputs[LowResMasks].Dimensions[1];
        }

        DecoderVariant detected = !hasMasks ? DecoderVariant.LowResOnly : k == 1 ? DecoderVariant.SingleMask : DecoderVariant.Multimask;
        if (hasMasks && k < 0 && declared == DecoderVariant.SingleMask)
        {
            detected = DecoderVariant.SingleMask;
        }

        if (declared is { } d && d != detected)
        {
            throw new ModelContractException(
                $"{file}: model.json declares decoder variant {d}, but the ONNX signature is that of {detected} " +
                $"(outputs: {OnnxSignature.DescribeAll(outputs)}).");
        }

        return (detected, k);
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
            $"{file} does not match the SAM v1 {role} contract: {string.Join("; ", problems)}. " +
            $"Actual inputs: {OnnxSignature.DescribeAll(inputs)}. Actual outputs: {OnnxSignature.DescribeAll(outputs)}.");
    }
}
