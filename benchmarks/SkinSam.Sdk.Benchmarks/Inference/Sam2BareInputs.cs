using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Preprocessing;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>
/// The tensors the SDK builds for a SAM 2.1 model, prepared once for the bare path of <see cref="SamInferenceFixture"/>:
/// the preprocessed image, the three encoder outputs (image_embed, high_res_feats_0, high_res_feats_1) and per prompt
/// the decoder inputs (features, point rows with the padding point, empty mask, orig_im_size as the graph declares it).
/// </summary>
internal static class Sam2BareInputs
{
    /// <summary>The encoder's output names, in the order <see cref="Create"/> returns their values.</summary>
    public static readonly string[] EncoderOutputs = ["image_embed", "high_res_feats_0", "high_res_feats_1"];

    private static readonly long[][] FeatureShapes = [[1, 256, 64, 64], [1, 32, 256, 256], [1, 64, 128, 128]];

    /// <summary>Builds the bare inputs and outputs.</summary>
    /// <param name="encoder">The bare encoder session (run once here to fill the features).</param>
    /// <param name="decoder">The bare decoder session.</param>
    /// <param name="runOptions">The bare run options.</param>
    /// <param name="image">The image.</param>
    /// <param name="prompts">The prompts.</param>
    /// <param name="track">Registers an OrtValue for disposal.</param>
    /// <returns>The encoder input, its outputs, the decoder input names and one input list per prompt.</returns>
    public static (OrtValue Input, OrtValue[] Outputs, string[] DecoderInputNames, List<List<OrtValue>> DecoderInputs) Create(
        InferenceSession encoder, InferenceSession decoder, RunOptions runOptions, ImageBuffer image, IReadOnlyList<SegmentationPrompt> prompts, Func<OrtValue, OrtValue> track)
    {
        var preprocessor = new Sam2Preprocessor();
        var input = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(image, input);
        OrtValue inputValue = track(OrtValue.CreateTensorValueFromMemory(input, [1, 3, 1024, 1024]));
        float[][] features = [.. FeatureShapes.Select(s => new float[s.Aggregate(1L, (a, b) => a * b)])];
        OrtValue[] outputs = [.. features.Select((f, i) => track(OrtValue.CreateTensorValueFromMemory(f, FeatureShapes[i])))];
        encoder.Run(runOptions, ["image"], [inputValue], EncoderOutputs, outputs);

        var frame = new ImageFrame(image.Width, image.Height, 1024, 1024);
        string[] names = [.. new[] { "image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size" }.Where(decoder.InputMetadata.ContainsKey)];
        bool intSize = decoder.InputMetadata.TryGetValue("orig_im_size", out NodeMetadata? size) && size.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32;
        var perPrompt = new List<List<OrtValue>>();
        foreach (SegmentationPrompt prompt in prompts)
        {
            (float[] coords, float[] labels) = Sam2MaskRules.BuildPointInputs(prompt, frame, graphAppendsPadding: !names.Contains("orig_im_size"));
            var values = new List<OrtValue>();
            for (int i = 0; i < features.Length; i++)
            {
                values.Add(track(OrtValue.CreateTensorValueFromMemory(features[i], FeatureShapes[i])));
            }

            values.Add(track(OrtValue.CreateTensorValueFromMemory(coords, [1, labels.Length, 2])));
            values.Add(track(OrtValue.CreateTensorValueFromMemory(labels, [1, labels.Length])));
            values.Add(track(OrtValue.CreateTensorValueFromMemory(new float[256 * 256], [1, 1, 256, 256])));
            values.Add(track(OrtValue.CreateTensorValueFromMemory(new float[1], [1])));
            if (names.Contains("orig_im_size"))
            {
                values.Add(intSize
                    ? track(OrtValue.CreateTensorValueFromMemory(new[] { image.Height, image.Width }, [2]))
                    : track(OrtValue.CreateTensorValueFromMemory(new float[] { image.Height, image.Width }, [2])));
            }

            perPrompt.Add(values);
        }

        return (inputValue, outputs, names, perPrompt);
    }
}
