using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Tests.Onnx;

/// <summary>
/// Loading SAM 2.1 folders: the factory by family, the community layout recognised by signature (no model.json, or a
/// minimal one), and the refusals.
/// </summary>
public sealed class Sam2OnnxModelLoadTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("skinsam-sam2-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Load_FolderWithoutManifest_IsRecognisedAsSam2ByItsSignature()
    {
        string folder = CopyGraphs("community", manifest: null);

        using ISegmentationModel model = SegmentationModels.Load(folder);
        using ISegmentationModel reference = SegmentationModels.Load(Sam2Goldens.ModelFolder);

        Assert.IsType<Sam2OnnxModel>(model);
        Assert.True(model.Info.ManifestWasDefaulted);
        Assert.Equal("sam2", model.Info.Manifest.Family);
        Assert.Equal("sam2", model.Info.Name);
        Assert.Equal(SkinSam.Sdk.Preprocessing.PreprocessingProfile.Sam2, model.Info.Preprocessing);
        Assert.Equal(ModelPrecision.Fp16, reference.Info.Precision);
        AssertSameMasks(reference, model);
    }

    [Fact]
    public void Load_MinimalManifestWithoutFamily_IsRecognisedAsSam2AndKeepsItsName()
    {
        string folder = CopyGraphs("minimal", """{"name": "community-sam2.1-tiny", "license": "Apache-2.0"}""");

        using ISegmentationModel model = SegmentationModels.Load(folder);

        Assert.IsType<Sam2OnnxModel>(model);
        Assert.False(model.Info.ManifestWasDefaulted);
        Assert.Equal("community-sam2.1-tiny", model.Info.Name);
        Assert.Equal("Apache-2.0", model.Info.Manifest.License);
        Assert.Equal(MaskSelection.DynamicMultimaskViaStability, model.Info.DefaultSelection);
    }

    [Fact]
    public void Load_ManifestWithoutFamilyButSamPreprocessing_ThrowsModelLoadException()
    {
        string folder = CopyGraphs("wrong-profile", """{"name": "x", "preprocessing": "sam"}""");
        var ex = Assert.Throws<ModelLoadException>(() => SegmentationModels.Load(folder));
        Assert.Contains("needs 'preprocessing' \"sam2\" (or none); got \"sam\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SamV1FolderWithoutManifest_StaysSamV1()
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model("sam-official-layout"));
        Assert.IsType<SamOnnxModel>(model);
    }

    [Fact]
    public void Sam2Load_SamV1Folder_ThrowsModelLoadExceptionNamingTheFamily()
    {
        var ex = Assert.Throws<ModelLoadException>(() => Sam2OnnxModel.Load(Fixtures.Model("sam-tiny")));
        Assert.Contains("expected 'family' \"sam2\" (or none) for a SAM 2.1 model; got \"sam-v1\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sam2Load_SamV1GraphsUnderASam2Manifest_ThrowsModelContractExceptionNamingTheOutputs()
    {
        string folder = Path.Combine(_root, "v1-graphs");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Fixtures.Model("sam-tiny"), "encoder.onnx"), Path.Combine(folder, "encoder.onnx"));
        File.Copy(Path.Combine(Fixtures.Model("sam-tiny"), "decoder.onnx"), Path.Combine(folder, "decoder.onnx"));
        File.Copy(Path.Combine(Sam2Goldens.ModelFolder, "model.json"), Path.Combine(folder, "model.json"));

        var ex = Assert.Throws<ModelContractException>(() => SegmentationModels.Load(folder));

        Assert.Contains("does not match the SAM 2.1 encoder contract", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got no 'image_embed'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SamV1Load_Sam2Folder_ThrowsModelLoadExceptionPointingAtTheFactory()
    {
        var ex = Assert.Throws<ModelLoadException>(() => SamOnnxModel.Load(Sam2Goldens.ModelFolder));
        Assert.Contains("expected 'family' \"sam-v1\" for SamOnnxModel; got \"sam2\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SameGraphsInTwoFolders_SameFingerprint()
    {
        string folder = CopyGraphs("copy", File.ReadAllText(Path.Combine(Sam2Goldens.ModelFolder, "model.json")));
        using Sam2OnnxModel a = Sam2OnnxModel.Load(folder);
        using Sam2OnnxModel b = Sam2OnnxModel.Load(Sam2Goldens.ModelFolder);
        Assert.Equal(a.Info.Fingerprint, b.Info.Fingerprint);
    }

    private static void AssertSameMasks(ISegmentationModel expected, ISegmentationModel actual)
    {
        var image = Sam2Goldens.LoadImage(Sam2Goldens.Image("ISIC_0031023"));
        using ImageEmbedding e1 = expected.Encode(image);
        using ImageEmbedding e2 = actual.Encode(image);
        SegmentationPrompt box = SegmentationPrompt.FromBox(50, 37, 150, 112);
        Assert.Equal(expected.Decode(e1, box).Mask.Data.ToArray(), actual.Decode(e2, box).Mask.Data.ToArray());
    }

    private string CopyGraphs(string name, string? manifest)
    {
        string folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Sam2Goldens.ModelFolder, "encoder.onnx"), Path.Combine(folder, "encoder.onnx"));
        File.Copy(Path.Combine(Sam2Goldens.ModelFolder, "decoder.onnx"), Path.Combine(folder, "decoder.onnx"));
        if (manifest is not null)
        {
            File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), manifest);
        }

        return folder;
    }
}
