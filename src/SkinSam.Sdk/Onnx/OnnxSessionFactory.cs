using Microsoft.ML.OnnxRuntime;
using SkinSam.Sdk.ExecutionProviders;
using SkinSam.Sdk.Models;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// Session creation and execution providers: tries each provider of the preference list in turn (then CPU when
/// fallback is on), records every attempt, and opens the encoder and decoder sessions on the first that works.
/// </summary>
internal static class OnnxSessionFactory
{
    public static (SessionOptions Options, InferenceSession Encoder, InferenceSession Decoder, string Provider, List<ProviderAttempt> Attempts, bool FellBack) Create(
        string encoderPath, string decoderPath, ModelOptions options)
    {
        var attempts = new List<ProviderAttempt>();
        IReadOnlyCollection<string> available = OnnxRuntimeEnvironment.Instance().GetAvailableProviders();
        var candidates = options.Providers.ToList();
        bool cpuListed = candidates.Any(p => p is BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cpu });
        if (!cpuListed && options.AllowCpuFallback)
        {
            candidates.Add(ExecutionProvider.Cpu);
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            ExecutionProvider provider = candidates[i];
            bool isCpu = provider is BuiltInExecutionProvider { Kind: BuiltInProviderKind.Cpu };
            SessionOptions so = options.CreateSessionOptions();
            InferenceSession? encoder = null;
            try
            {
                provider.AppendTo(so, available);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                so.Dispose();
                attempts.Add(new ProviderAttempt(provider.DisplayName, false, Flatten(ex)));
                continue;
            }

            try
            {
                encoder = OpenSession(encoderPath, so);
                InferenceSession decoder = OpenSession(decoderPath, so);
                attempts.Add(new ProviderAttempt(provider.DisplayName, true, null));
                bool fellBack = isCpu && !cpuListed;
                return (so, encoder, decoder, provider.DisplayName, attempts, fellBack);
            }
            catch (ModelLoadException ex) when (!isCpu)
            {
                // A provider can fail at session creation (missing CUDA libraries, no device): record it and try the next.
                encoder?.Dispose();
                so.Dispose();
                attempts.Add(new ProviderAttempt(provider.DisplayName, false, Flatten(ex.InnerException ?? ex)));
            }
            catch
            {
                encoder?.Dispose();
                so.Dispose();
                throw;
            }
        }

        string tried = string.Join("; ", attempts.Select(a => $"{a.Provider}: {a.Reason}"));
        throw new ExecutionProviderException(options.AllowCpuFallback
            ? $"Expected one of the execution providers [{string.Join(", ", options.Providers)}] to load the model; none could: {tried}."
            : $"Expected one of the execution providers [{string.Join(", ", options.Providers)}] to load the model, with CPU fallback switched off; none could: {tried}.");
    }

    private static InferenceSession OpenSession(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            var length = new FileInfo(path).Length;
            throw new ModelLoadException($"Expected '{path}' to be an ONNX model ONNX Runtime can load; got a file of {length} bytes that failed: {ex.Message}", ex);
        }
    }

    private static string Flatten(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim();
}
