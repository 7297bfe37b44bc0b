using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Cli.Commands;

/// <summary><c>skinsam models inspect DIR</c>: manifest, ONNX signatures, detected contract, providers.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var folder = new Argument<string?>("folder") { Description = "Model folder; default: the shipped SkinSAM-Tiny model.", Arity = ArgumentArity.ZeroOrOne };
        var inspect = new Command("inspect", "Show a model folder's manifest, ONNX signatures, detected contract and the execution providers available.");
        inspect.Arguments.Add(folder);
        common.AddTo(inspect);
        inspect.SetAction(result =>
        {
            string dir = result.GetValue(folder) ?? common.ModelFolder(result);
            Console.WriteLine($"ONNX Runtime providers in this build: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
            try
            {
                using SamOnnxModel model = SamOnnxModel.Load(dir, common.ModelOptions(result));
                var info = model.Info;
                Console.WriteLine($"folder:        {info.Path}");
                Console.WriteLine($"name:          {info.Name}{(info.ManifestWasDefaulted ? " (no model.json: SAM defaults)" : string.Empty)}");
                Console.WriteLine($"preprocessing: {info.Preprocessing}");
                Console.WriteLine($"encoder:       {info.Manifest.EncoderFile} ({info.EncoderVariant})");
                Console.WriteLine($"decoder:       {info.Manifest.DecoderFile} ({info.DecoderVariant}, {info.MaskCount} mask(s))");
                Console.WriteLine($"no prompt:     {(info.SupportsNoPrompt ? "supported" : "not supported")}");
                Console.WriteLine($"licence:       {info.Manifest.License ?? "(not stated)"}");
                Console.WriteLine($"provenance:    {info.Manifest.Provenance ?? "(not stated)"}");
                Console.WriteLine($"runs on:       {info.ExecutionProvider}{(info.FellBackToCpu ? " (fallback)" : string.Empty)}");
                foreach (var a in info.ProviderAttempts.Where(a => !a.Succeeded))
                {
                    Console.WriteLine($"  skipped {a.Provider}: {a.Reason}");
                }

                PrintSignature("encoder", Path.Combine(info.Path!, info.Manifest.EncoderFile));
                PrintSignature("decoder", Path.Combine(info.Path!, info.Manifest.DecoderFile));
                return ExitCodes.Success;
            }
            catch (SkinSamException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.ModelError;
            }
        });

        var models = new Command("models", "Work with model folders.");
        models.Subcommands.Add(inspect);
        return models;
    }

    private static void PrintSignature(string role, string path)
    {
        using var session = new InferenceSession(path);
        Console.WriteLine($"{role} inputs:");
        foreach (var (name, meta) in session.InputMetadata)
        {
            Console.WriteLine($"  {name} {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }

        Console.WriteLine($"{role} outputs:");
        foreach (var (name, meta) in session.OutputMetadata)
        {
            Console.WriteLine($"  {name} {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }
    }
}
