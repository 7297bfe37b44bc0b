using SkinSam.Sdk.Models;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Tests.Models;

public sealed class ModelManifestInputSizeTests
{
    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(1024)]
    public void Parse_SamProfileFrameFrom256To1024_IsAccepted(int size)
    {
        ModelManifest m = ModelManifest.Parse($$"""{"inputSize": {{size}}}""", "model.json");

        Assert.Equal(size, m.InputSize);
        Assert.Equal(size, ModelManifest.Parse(m.ToJson(), "model.json").InputSize);
    }

    [Theory]
    [InlineData("""{"inputSize": 300}""", "'inputSize': expected a multiple of 64 from 256 to 1024 (the SAM v1 frame, or a smaller frame the encoder needs); got 300")]
    [InlineData("""{"inputSize": 192}""", "'inputSize': expected a multiple of 64 from 256 to 1024 (the SAM v1 frame, or a smaller frame the encoder needs); got 192")]
    [InlineData("""{"inputSize": 2048}""", "'inputSize': expected a multiple of 64 from 256 to 1024 (the SAM v1 frame, or a smaller frame the encoder needs); got 2048")]
    [InlineData("""{"inputSize": 0}""", "'inputSize': expected a multiple of 64 from 256 to 1024 (the SAM v1 frame, or a smaller frame the encoder needs); got 0")]
    [InlineData("""{"preprocessing": "medsam", "inputSize": 256}""", "'inputSize': expected 1024 for the medsam profile; got 256")]
    public void Parse_UnsupportedFrame_ThrowsNamingTheRule(string json, string message)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, "model.json"));

        Assert.Equal($"model.json: 1 problem(s): {message}.", ex.Message);
    }

    [Fact]
    public void Parse_MedSamAt1024_IsAccepted()
    {
        ModelManifest m = ModelManifest.Parse("""{"preprocessing": "medsam", "inputSize": 1024}""", "model.json");

        Assert.Equal(PreprocessingProfile.MedSam, m.Preprocessing);
    }
}
