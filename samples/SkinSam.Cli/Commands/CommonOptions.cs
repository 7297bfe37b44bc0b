using System.CommandLine;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;

namespace SkinSam.Cli.Commands;

/// <summary>Options shared by the commands that load a model.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Model folder (encoder.onnx, decoder.onnx, model.json). Default: the shipped SkinSAM-Tiny model.",
    };

    public Option<string> Provider { get; } = new("--provider")
    {
        Description = "Execution providers in order of preference, e.g. cuda,cpu or tensorrt,cuda,cpu. Default: cpu.",
        DefaultValueFactory = _ => "cpu",
    };

    public Option<bool> NoFallback { get; } = new("--no-cpu-fallback")
    {
        Description = "Fail instead of running on the CPU when no listed provider can be used.",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Intra-op threads for ONNX Runtime; 0 lets it choose (one per physical core).",
        DefaultValueFactory = _ => 0,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Provider);
        command.Options.Add(NoFallback);
        command.Options.Add(Threads);
    }

    public string ModelFolder(ParseResult result) => result.GetValue(Model) ?? ModelLocator.DefaultModelFolder();

    public ModelOptions ModelOptions(ParseResult result) => new()
    {
        Providers = ExecutionProvider.ParseList(result.GetValue(Provider) ?? "cpu"),
        AllowCpuFallback = !result.GetValue(NoFallback),
        IntraOpThreads = result.GetValue(Threads),
    };
}
