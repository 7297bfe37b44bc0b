using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Cli.Commands;

/// <summary><c>skinsam models inspect DIR</c>: manifest, ONNX signatures, detected contract, providers.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var common = new CommonOptions();
        var folder = new Argument<string?>("folder") { Description = "Model folder, e.g. models/skinsam-tiny; default: --model, else the shipped SkinSAM-Tiny model.", Arity = ArgumentArity.ZeroOrOne };
        var inspect = new Command(
            "inspect",
            "Show a model folder's manifest, ONNX signatures, detected contract and the execution providers available.\n\n"
            + "Examples:\n"
            + "  skinsam models inspect\n"
            + "  skinsam models inspect models/skinsam-tiny --provider cuda,cpu --threads 2\n"
            + "  skinsam models inspect path/to/model-folder --provider cuda --no-cpu-fallback\n\n"
            + "Exit codes: 0 shown, 2 usage error, 3 model error (the folder cannot be loaded).");
        inspect.Arguments.Add(folder);
        common.AddTo(inspect);
        inspect.SetAction(result =>
        {
            string dir = result.GetValue(folder) ?? common.ModelFolder(result);
            try
            {
                output.Out.WriteLine($"ONNX Runtime providers in this build: {string.Join(", ", ExecutionProvider.AvailableInThisProcess())}");
                using ISegmentationModel model = SegmentationModels.Load(dir, common.ModelOptions(result));
                var info = model.Info;
                output.Out.WriteLine($"folder:        {info.Path}");
                output.Out.WriteLine($"name:          {info.Name}{(info.ManifestWasDefaulted ? " (no model.json: SAM defaults)" : string.Empty)}");
                output.Out.WriteLine($"preprocessing: {info.Preprocessing}");
                output.Out.WriteLine($"encoder:       {info.Manifest.EncoderFile} ({info.EncoderVariant})");
                output.Out.WriteLine($"decoder:       {info.Manifest.DecoderFile} ({info.DecoderVariant}, {info.MaskCount} mask(s))");
                output.Out.WriteLine($"no prompt:     {(info.SupportsNoPrompt ? "supported" : "not supported")}");
                output.Out.WriteLine($"licence:       {info.Manifest.License ?? "(not stated)"}");
                output.Out.WriteLine($"provenance:    {info.Manifest.Provenance ?? "(not stated)"}");
                output.Out.WriteLine($"runs on:       {info.ExecutionProvider}{(info.FellBackToCpu ? " (fallback)" : string.Empty)}");
                foreach (var a in info.ProviderAttempts.Where(a => !a.Succeeded))
                {
                    output.Out.WriteLine($"  skipped {a.Provider}: {a.Reason}");
                }

                PrintSignature(output, "encoder", Path.Combine(info.Path!, info.Manifest.EncoderFile));
                PrintSignature(output, "decoder", Path.Combine(info.Path!, info.Manifest.DecoderFile));
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is SkinSamException or OnnxRuntimeException)
            {
                output.Fail(CliApplication.OneLine(ex));
                return ExitCodes.ModelError;
            }
        });

        var models = new Command("models", "Work with model folders. Example: skinsam models inspect models/skinsam-tiny");
        models.Subcommands.Add(inspect);
        return models;
    }

    private static void PrintSignature(CliOutput output, string role, string path)
    {
        using var session = new InferenceSession(path);
        output.Out.WriteLine($"{role} inputs:");
        foreach (var (name, meta) in session.InputMetadata)
        {
            output.Out.WriteLine($"  {name} {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }

        output.Out.WriteLine($"{role} outputs:");
        foreach (var (name, meta) in session.OutputMetadata)
        {
            output.Out.WriteLine($"  {name} {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }
    }
}
