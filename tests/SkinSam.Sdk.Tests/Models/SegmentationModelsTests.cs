using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Tests.Models;

public sealed class SegmentationModelsTests
{
    [Fact]
    public void Load_SamV1Folder_ReturnsTheSamOnnxModel()
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model("sam-tiny"));
        Assert.IsType<SamOnnxModel>(model);
        Assert.Equal("sam-v1", model.Info.Manifest.Family);
    }

    [Fact]
    public void Load_FolderWithoutManifest_OpensTheDefaultFamily()
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model("sam-official-layout"));
        Assert.IsType<SamOnnxModel>(model);
        Assert.True(model.Info.ManifestWasDefaulted);
    }

    [Fact]
    public void Load_Sam2Folder_ReturnsTheSam2OnnxModel()
    {
        using ISegmentationModel model = SegmentationModels.Load(Fixtures.Model("sam2-tiny"));
        Assert.IsType<Sam2OnnxModel>(model);
        Assert.Equal("sam2", model.Info.Manifest.Family);
    }

    [Fact]
    public void Families_ListsSamV1AndSam2()
    {
        Assert.Equal(["sam-v1", "sam2"], SegmentationModels.Families);
        Assert.Equal("sam-v1", SegmentationModels.DefaultFamily);
    }

    [Fact]
    public void Load_UnknownFamily_ThrowsUnknownModelFamilyExceptionNamingTheKnownOnes()
    {
        string folder = Directory.CreateTempSubdirectory("skinsam-family-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), """{"schemaVersion": 1, "name": "sam3-tiny", "family": "sam3"}""");

            var ex = Assert.Throws<UnknownModelFamilyException>(() => SegmentationModels.Load(folder));

            Assert.Contains("expected 'family' one of \"sam-v1\", \"sam2\"; got \"sam3\"", ex.Message, StringComparison.Ordinal);
            Assert.Contains(ModelManifest.FileName, ex.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<ModelLoadException>(ex);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFolder_ThrowsModelLoadExceptionAsTheFamilyLoaderDoes()
    {
        string path = Path.Combine(Fixtures.Root, "no-such-model");
        var ex = Assert.Throws<ModelLoadException>(() => SegmentationModels.Load(path));
        Assert.Contains("no such directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidManifestJson_LeavesTheReportToTheFamilyParser()
    {
        string folder = Directory.CreateTempSubdirectory("skinsam-family-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), "{ not json");
            File.WriteAllText(Path.Combine(folder, "encoder.onnx"), "x");
            File.WriteAllText(Path.Combine(folder, "decoder.onnx"), "x");

            var ex = Assert.Throws<ModelLoadException>(() => SegmentationModels.Load(folder));

            Assert.Contains("invalid JSON", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
