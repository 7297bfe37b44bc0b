using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// <see cref="ModelOptions.DeviceResidentEmbeddings"/> on the CPU provider: the encoder's output is bound through ONNX
/// Runtime I/O binding to the provider's memory and fed to the decoder from there; every result equals the host path.
/// </summary>
public sealed class SamOnnxModelDeviceEmbeddingTests
{
    [Theory]
    [InlineData("sam-tiny")]
    [InlineData("sam-tiny-hwc")]
    [InlineData("sam-tiny-batch")]
    [InlineData("sam-tiny-lowres")]
    public void Decode_DeviceResidentEmbeddings_EqualsTheHostPath(string modelName)
    {
        var pool = new TensorBufferPool(tracking: true);
        using SamOnnxModel host = SamOnnxModel.Load(Fixtures.Model(modelName));
        using (SamOnnxModel device = SamOnnxModel.Load(Fixtures.Model(modelName), new ModelOptions { DeviceResidentEmbeddings = true }, pool))
        {
            Assert.True(device.KeepsDeviceEmbeddings);
            ImageBuffer image = Fixtures.LoadRgb(Fixtures.Images.First());
            using ImageEmbedding expected = host.Encode(image);
            using ImageEmbedding embedding = device.Encode(image);
            Assert.True(device.HoldsDeviceTensor(embedding));
            Assert.False(host.HoldsDeviceTensor(expected));
            Assert.Equal(expected.Values.ToArray(), embedding.Values.ToArray());

            int w = image.Width, h = image.Height;
            SegmentationPrompt[] prompts =
            [
                SegmentationPrompt.FromPoint(w / 2f, h / 2f),
                SegmentationPrompt.FromBox(w * 0.2f, h * 0.2f, w * 0.8f, h * 0.8f),
                SegmentationPrompt.FromBox(w * 0.1f, h * 0.3f, w * 0.6f, h * 0.9f),
            ];
            var options = new DecodeOptions { MultimaskOutput = true, ReturnLogits = true };
            foreach (SegmentationPrompt prompt in prompts)
            {
                SegmentationResult a = host.Decode(expected, prompt, options);
                SegmentationResult b = device.Decode(embedding, prompt, options);
                Assert.Equal(a.MaskIndex, b.MaskIndex);
                Assert.Equal(a.Candidates.Count, b.Candidates.Count);
                for (int i = 0; i < a.Candidates.Count; i++)
                {
                    Assert.Equal(a.Candidates[i].Logits, b.Candidates[i].Logits);
                    Assert.Equal(a.Candidates[i].Mask.Data.ToArray(), b.Candidates[i].Mask.Data.ToArray());
                    Assert.Equal(a.Candidates[i].PredictedIou, b.Candidates[i].PredictedIou);
                }
            }

            IReadOnlyList<SegmentationResult> batchA = host.DecodeBatch(expected, prompts);
            IReadOnlyList<SegmentationResult> batchB = device.DecodeBatch(embedding, prompts);
            using var buffers = new DecodeBuffers(w, h);
            for (int i = 0; i < prompts.Length; i++)
            {
                Assert.Equal(batchA[i].Mask.Data.ToArray(), batchB[i].Mask.Data.ToArray());
                DecodeSummary summary = device.DecodeInto(embedding, prompts[i], buffers);
                Assert.Equal(batchA[i].Mask.Data.ToArray(), buffers.Mask.Data.ToArray());
                Assert.Equal(batchA[i].StabilityScore, summary.StabilityScore);
            }

            // Disposing the embedding releases its device tensor with its host buffer.
            embedding.Dispose();
            Assert.False(device.HoldsDeviceTensor(embedding));
            Assert.Throws<ObjectDisposedException>(() => device.Decode(embedding, prompts[0]));
        }

        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Load_DeviceResidentEmbeddingsOff_KeepsHostEmbeddings()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-tiny"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));

        Assert.False(model.KeepsDeviceEmbeddings);
        Assert.False(model.HoldsDeviceTensor(embedding));
        Assert.False(ModelOptions.Default.DeviceResidentEmbeddings);
    }
}
