using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.Onnx;

public sealed class SamOnnxModelLoadTests
{
    [Theory]
    [InlineData("sam-tiny", EncoderVariant.ImageNchw, DecoderVariant.Multimask, 4)]
    [InlineData("sam-tiny-hwc", EncoderVariant.InputImageHwc, DecoderVariant.Multimask, 4)]
    [InlineData("sam-tiny-single", EncoderVariant.ImageNchw, DecoderVariant.SingleMask, 1)]
    [InlineData("sam-tiny-lowres", EncoderVariant.ImageNchw, DecoderVariant.LowResOnly, 4)]
    public void Load_FixtureFolder_DetectsVariants(string folder, EncoderVariant encoder, DecoderVariant decoder, int maskCount)
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model(folder));
        Assert.Equal(encoder, model.Info.EncoderVariant);
        Assert.Equal(decoder, model.Info.DecoderVariant);
        Assert.Equal(maskCount, model.Info.MaskCount);
        Assert.False(model.Info.ManifestWasDefaulted);
        Assert.Equal("cpu", model.Info.ExecutionProvider);
    }

    [Fact]
    public void Load_OfficialExportWithoutManifest_UsesSamDefaults()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Model("sam-official-layout"));
        Assert.True(model.Info.ManifestWasDefaulted);
        Assert.Equal(ModelManifest.SamDefaults, model.Info.Manifest);
        Assert.Equal(EncoderVariant.ImageNchw, model.Info.EncoderVariant);
        Assert.Equal(DecoderVariant.Multimask, model.Info.DecoderVariant);
        Assert.False(model.Info.SupportsNoPrompt);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsModelLoadExceptionNamingPath()
    {
        string path = Path.Combine(Fixtures.Root, "no-such-model");
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(path));
        Assert.Contains("no-such-model", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no such directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDecoder_ThrowsNamingFileAndFolderContents()
    {
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(Fixtures.Broken("missing-decoder")));
        Assert.Contains("Expected decoder.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedEncoder_ThrowsModelLoadExceptionWithSize()
    {
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(Fixtures.Broken("encoder-truncated")));
        Assert.IsNotType<ModelContractException>(ex);
        Assert.Contains("encoder.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1024 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decoder-wrong-input-name", "point_coords", "point_coord float32")]
    [InlineData("decoder-wrong-embedding-shape", "image_embeddings float32 [1,256,64,64]", "image_embeddings float32 [1,128,64,64]")]
    [InlineData("decoder-int64-labels", "point_labels float32 [1,N]", "point_labels int64")]
    public void Load_DecoderSignatureMismatch_ThrowsContractExceptionNamingExpectedAndActual(string folder, string expected, string actual)
    {
        var ex = Assert.Throws<ModelContractException>(() => SamOnnxModel.Load(Fixtures.Broken(folder)));
        Assert.Contains("decoder.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(actual, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DecoderReturnsNaN_ThrowsModelOutputException()
    {
        using SamOnnxModel model = SamOnnxModel.Load(Fixtures.Broken("decoder-nan-logits"));
        using ImageEmbedding embedding = model.Encode(Fixtures.LoadRgb(Fixtures.Images.First()));
        var ex = Assert.Throws<ModelOutputException>(() => model.Decode(embedding, SkinSam.Sdk.Prompts.SegmentationPrompt.FromPoint(50, 50)));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestDeclaresOtherDecoderVariant_ThrowsContractException()
    {
        string dir = CopyFixture("sam-tiny");
        string manifest = File.ReadAllText(Path.Combine(dir, "model.json")).Replace("\"multimask\"", "\"single-mask\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "model.json"), manifest);
        var ex = Assert.Throws<ModelContractException>(() => SamOnnxModel.Load(dir));
        Assert.Contains("declares decoder variant SingleMask", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Multimask", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SwappedFiles_ThrowsContractException()
    {
        string dir = CopyFixture("sam-tiny");
        File.Move(Path.Combine(dir, "encoder.onnx"), Path.Combine(dir, "tmp.onnx"));
        File.Move(Path.Combine(dir, "decoder.onnx"), Path.Combine(dir, "encoder.onnx"));
        File.Move(Path.Combine(dir, "tmp.onnx"), Path.Combine(dir, "decoder.onnx"));
        var ex = Assert.Throws<ModelContractException>(() => SamOnnxModel.Load(dir));
        Assert.Contains("expected the SAM encoder input 'image'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("point_coords", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidManifest_ListsEveryProblem()
    {
        string dir = CopyFixture("sam-tiny");
        File.WriteAllText(Path.Combine(dir, "model.json"), """{ "preprocessing": "clahe", "inputSize": 500, "decoder": { "variant": "two-mask" } }""");
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(dir));
        Assert.Contains("'preprocessing': expected one of \"sam\", \"medsam\", \"sam2\"; got \"clahe\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'inputSize': expected a multiple of 64 from 256 to 1024", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'decoder.variant'", ex.Message, StringComparison.Ordinal);
    }

    internal static string CopyFixture(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "skinsam-tests", name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (string file in Directory.EnumerateFiles(Fixtures.Model(name)))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }
}
