using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.ExecutionProviders;

/// <summary>A provider entry whose session configuration is the caller's own code.</summary>
internal sealed class CustomExecutionProvider : ExecutionProvider
{
    private readonly Action<SessionOptions> _configure;

    public CustomExecutionProvider(string name, Action<SessionOptions> configure)
    {
        Name = name;
        _configure = configure;
    }

    public override string Name { get; }

    public override string DisplayName => "custom:" + Name;

    protected internal override void AppendTo(SessionOptions options, IReadOnlyCollection<string> availableProviders) => _configure(options);
}
