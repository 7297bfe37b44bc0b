using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>What hostile cases share: the tiny model and one embedding (made on first use), and a scratch folder.</summary>
public sealed class HostileContext : IDisposable
{
    private readonly Lazy<SamOnnxModel> _model = new(() => SamOnnxModel.Load(ReliabilityFixtures.Model("sam-tiny")));
    private readonly Lazy<ImageEmbedding> _embedding;

    /// <summary>Creates the context; nothing is loaded until a case needs it.</summary>
    public HostileContext()
    {
        _embedding = new(() => Model.Encode(ReliabilityFixtures.SyntheticImage(200, 150, 3)));
        Folder = Directory.CreateTempSubdirectory("skinsam-hostile-").FullName;
    }

    /// <summary>The sam-tiny fixture model.</summary>
    public SamOnnxModel Model => _model.Value;

    /// <summary>An embedding of a 200 x 150 synthetic image.</summary>
    public ImageEmbedding Embedding => _embedding.Value;

    /// <summary>A scratch folder, deleted on dispose.</summary>
    public string Folder { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_embedding.IsValueCreated)
        {
            _embedding.Value.Dispose();
        }

        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
