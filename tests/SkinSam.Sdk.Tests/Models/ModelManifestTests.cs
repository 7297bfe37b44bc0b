using SkinSam.Sdk.Models;
using SkinSam.Sdk.Preprocessing;

namespace SkinSam.Sdk.Tests.Models;

public sealed class ModelManifestTests
{
    [Fact]
    public void Parse_FullManifest_ReadsEveryField()
    {
        ModelManifest m = ModelManifest.Parse("""
            {
              "schemaVersion": 1, "name": "medsam-vit-b", "family": "sam-v1", "preprocessing": "medsam",
              "inputSize": 1024, "maskThreshold": 0.5,
              "encoder": { "file": "enc.onnx", "variant": "image-nchw" },
              "decoder": { "file": "dec.onnx", "variant": "low-res-only", "batchAxis": true },
              "supportsNoPrompt": true, "license": "Apache-2.0", "provenance": "medsam_vit_b.pth"
            }
            """);
        Assert.Equal("medsam-vit-b", m.Name);
        Assert.Equal(PreprocessingProfile.MedSam, m.Preprocessing);
        Assert.Equal(0.5f, m.MaskThreshold);
        Assert.Equal("enc.onnx", m.EncoderFile);
        Assert.Equal(EncoderVariant.ImageNchw, m.EncoderVariant);
        Assert.Equal("dec.onnx", m.DecoderFile);
        Assert.Equal(DecoderVariant.LowResOnly, m.DecoderVariant);
        Assert.True(m.DecoderBatchAxis);
        Assert.True(m.SupportsNoPrompt);
        Assert.Equal("Apache-2.0", m.License);
        Assert.Equal("medsam_vit_b.pth", m.Provenance);
    }

    [Fact]
    public void Parse_EmptyObject_GivesSamDefaults()
    {
        ModelManifest m = ModelManifest.Parse("{}");
        Assert.Equal(PreprocessingProfile.Sam, m.Preprocessing);
        Assert.Equal("encoder.onnx", m.EncoderFile);
        Assert.Equal("decoder.onnx", m.DecoderFile);
        Assert.Null(m.EncoderVariant);
        Assert.Null(m.DecoderVariant);
        Assert.Equal(0f, m.MaskThreshold);
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var m = new ModelManifest
        {
            Name = "x",
            Preprocessing = PreprocessingProfile.MedSam,
            EncoderVariant = EncoderVariant.InputImageHwc,
            DecoderVariant = DecoderVariant.SingleMask,
            SupportsNoPrompt = true,
            License = "MIT",
            Provenance = "p",
        };
        Assert.Equal(m, ModelManifest.Parse(m.ToJson()));
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object; got Array")]
    [InlineData("""{"schemaVersion": 2}""", "'schemaVersion': expected 1; got 2")]
    [InlineData("""{"maskThreshold": "high"}""", "'maskThreshold': expected a number")]
    [InlineData("""{"encoder": {"file": "../secret.onnx"}}""", "'encoder.file': expected a file name inside the model folder")]
    [InlineData("""{"encoder": "encoder.onnx"}""", "'encoder': expected an object")]
    [InlineData("""{"supportsNoPrompt": "yes"}""", "'supportsNoPrompt': expected true or false")]
    [InlineData("""{"family": "sam-v2"}""", "'family': expected \"sam-v1\" or \"sam2\"; got \"sam-v2\"")]
    [InlineData("""{"family": "sam2", "preprocessing": "sam"}""", "'preprocessing': expected \"sam2\" for family \"sam2\"; got \"sam\"")]
    [InlineData("""{"preprocessing": "sam2"}""", "'preprocessing': expected \"sam\" or \"medsam\" for family \"sam-v1\"; got \"sam2\"")]
    public void Parse_BadManifest_ThrowsNamingTheField(string json, string message)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, "m.json"));
        Assert.StartsWith("m.json:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Sam2FamilyWithoutPreprocessing_TakesTheSam2Profile()
    {
        ModelManifest m = ModelManifest.Parse("""{"name": "sam2.1-hiera-t", "family": "sam2"}""");
        Assert.Equal("sam2", m.Family);
        Assert.Equal(PreprocessingProfile.Sam2, m.Preprocessing);
    }

    [Fact]
    public void ToJson_Sam2Manifest_RoundTrips()
    {
        ModelManifest m = ModelManifest.Parse(File.ReadAllText(Path.Combine(Fixtures.Model("sam2-tiny"), ModelManifest.FileName)));
        Assert.Contains("\"preprocessing\": \"sam2\"", m.ToJson(), StringComparison.Ordinal);
        Assert.Equal(m, ModelManifest.Parse(m.ToJson()));
    }

    [Fact]
    public void Load_MissingFile_ThrowsModelLoadException()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "model.json")));
        Assert.Contains("Expected a readable manifest", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"preprocesing": "medsam"}""", "'preprocesing': expected a key the schema knows; got an unknown key (did you mean 'preprocessing'?)")]
    [InlineData("""{"Preprocessing": "medsam"}""", "'Preprocessing': expected a key the schema knows; got an unknown key (did you mean 'preprocessing'?)")]
    [InlineData("""{"decoder": {"varient": "single-mask"}}""", "'decoder.varient': expected a key the schema knows; got an unknown key (did you mean 'decoder.variant'?)")]
    [InlineData("""{"supportNoPrompt": true}""", "'supportNoPrompt': expected a key the schema knows; got an unknown key (did you mean 'supportsNoPrompt'?)")]
    [InlineData("""{"weights": "x.pth"}""", "'weights': expected one of 'decoder', 'encoder', 'family', 'inputSize', 'license', 'maskThreshold', 'name', 'precision', 'preprocessing', 'provenance', 'schemaVersion', 'supportsNoPrompt'; got an unknown key")]
    [InlineData("""{"name": "x\ud800"}""", "'name': expected a string of valid UTF-16; got \"x\\ud800\" (an unpaired surrogate)")]
    public void Parse_UnknownKey_ThrowsNamingTheClosestKnownKey(string json, string message)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, "model.json"));
        Assert.Equal($"model.json: 1 problem(s): {message}.", ex.Message);
    }

    [Fact]
    public void Parse_DuplicateKey_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse("""{"preprocessing": "sam", "decoder": {"file": "a.onnx", "file": "b.onnx"}, "preprocessing": "medsam"}""", "model.json"));
        Assert.Contains("'decoder.file': expected each key once; got it 2 times (duplicate key)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'preprocessing': expected each key once; got it 2 times (duplicate key)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ByteOrderMarkCommentsAndTrailingComma_Accepted()
    {
        ModelManifest m = ModelManifest.Parse("\uFEFF{ // the default model\n \"name\": \"x\", }");
        Assert.Equal("x", m.Name);
    }

    [Fact]
    public void Parse_OverMaxLength_ThrowsNamingTheLimit()
    {
        string json = "{\"provenance\": \"" + new string('a', ModelManifest.MaxLength) + "\"}";
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, "model.json"));
        Assert.Equal($"model.json: expected a manifest of at most 1048576 characters; got {json.Length}.", ex.Message);
    }

    [Theory]
    [InlineData("fp32", ModelPrecision.Fp32)]
    [InlineData("fp16", ModelPrecision.Fp16)]
    [InlineData("int8-dynamic", ModelPrecision.Int8Dynamic)]
    [InlineData("int8-qdq", ModelPrecision.Int8Qdq)]
    public void Parse_Precision_ReadsEachVariantAndRoundTrips(string name, ModelPrecision precision)
    {
        ModelManifest m = ModelManifest.Parse($$"""{"precision": "{{name}}"}""");
        Assert.Equal(precision, m.Precision);
        Assert.Equal(m, ModelManifest.Parse(m.ToJson()));
        Assert.Equal(precision != ModelPrecision.Fp32, m.ToJson().Contains("\"precision\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NoPrecision_IsFp32()
    {
        Assert.Equal(ModelPrecision.Fp32, ModelManifest.Parse("{}").Precision);
    }

    [Theory]
    [InlineData("""{"precision": "int8"}""", "'precision': expected one of \"fp32\", \"fp16\", \"int8-dynamic\", \"int8-qdq\"; got \"int8\"")]
    [InlineData("""{"precision": 16}""", "'precision': expected a string; got Number")]
    public void Parse_BadPrecision_ThrowsNamingTheChoices(string json, string message)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, "model.json"));
        Assert.Equal($"model.json: 1 problem(s): {message}.", ex.Message);
    }
}
