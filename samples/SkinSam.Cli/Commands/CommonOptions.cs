using System.CommandLine;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;

namespace SkinSam.Cli.Commands;

/// <summary>Options shared by the commands that load a model.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Model folder (encoder.onnx, decoder.onnx, model.json), e.g. --model models/skinsam-tiny. Default: the shipped SkinSAM-Tiny model.",
        HelpName = "DIR",
    };

    public Option<string> Provider { get; } = new("--provider")
    {
        Description = "Execution providers in order of preference: cpu, cuda[:N], tensorrt[:N], directml[:N], coreml, openvino[:DEVICE], rocm[:N], comma-separated, e.g. --provider cuda,cpu.",
        HelpName = "LIST",
        DefaultValueFactory = _ => "cpu",
    };

    public Option<bool> NoFallback { get; } = new("--no-cpu-fallback")
    {
        Description = "Fail (exit 3) instead of running on the CPU when no listed provider can be used, e.g. --provider cuda --no-cpu-fallback.",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Intra-op threads for ONNX Runtime, 0 to 1024; 0 lets it choose (one per physical core), e.g. --threads 4.",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>The most intra-op threads <c>--threads</c> accepts.</summary>
    public const int MaxThreads = 1024;

    public CommonOptions()
    {
        OptionRules.InRange(Threads, 0, MaxThreads);
        OptionRules.ParsesWith(Provider, t => ParseProviders(t));
    }

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
        Providers = ParseProviders(result.GetValue(Provider) ?? "cpu"),
        AllowCpuFallback = !result.GetValue(NoFallback),
        IntraOpThreads = result.GetValue(Threads),

        // segment and evaluate decode files and write outputs on other threads while the model runs: ONNX Runtime's
        // threads must not spin on the cores that work needs (docs/benchmarks.md, "CLI throughput").
        AllowThreadSpinning = false,
    };

    private static IReadOnlyList<ExecutionProvider> ParseProviders(string text)
    {
        IReadOnlyList<ExecutionProvider> list = ExecutionProvider.ParseList(text);
        return list.Count > 0 ? list : throw new FormatException($"expected at least one provider name, e.g. cpu or cuda,cpu; got '{text}'.");
    }
}
