using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The process's ONNX Runtime environment as the SDK first touches it: the one place where a missing native library
/// becomes one actionable message, and where ONNX Runtime's telemetry is switched off.
/// </summary>
/// <remarks>
/// SkinSam.Sdk references only <c>Microsoft.ML.OnnxRuntime.Managed</c>; the application chooses the native package. Without
/// one, ONNX Runtime's managed API fails with a <see cref="TypeInitializationException"/> around a
/// <see cref="DllNotFoundException"/> and a long probe list; here that becomes a <see cref="ModelLoadException"/> naming the
/// packages to add. Telemetry: when the SDK creates the environment it disables ONNX Runtime's telemetry events; an
/// application that wants them calls <c>OrtEnv.Instance().EnableTelemetryEvents()</c>, and one that creates the environment
/// itself before loading a model keeps its own settings.
/// </remarks>
internal static class OnnxRuntimeEnvironment
{
    /// <summary>The NuGet package with ONNX Runtime's native CPU libraries.</summary>
    internal const string CpuPackage = "Microsoft.ML.OnnxRuntime";

    /// <summary>The NuGet package with ONNX Runtime's native CUDA libraries.</summary>
    internal const string GpuPackage = "Microsoft.ML.OnnxRuntime.Gpu";

    private static readonly Lock Gate = new();
    private static OrtEnv? _environment;

    /// <summary>The environment, created on the first call (telemetry off) unless the application created it first.</summary>
    /// <exception cref="ModelLoadException">The native ONNX Runtime library could not be loaded.</exception>
    internal static OrtEnv Instance()
    {
        OrtEnv? environment = Volatile.Read(ref _environment);
        if (environment is not null)
        {
            return environment;
        }

        lock (Gate)
        {
            if (_environment is null)
            {
                try
                {
                    bool createdHere = !OrtEnv.IsCreated;
                    OrtEnv created = OrtEnv.Instance();
                    if (createdHere)
                    {
                        created.DisableTelemetryEvents();
                    }

                    Volatile.Write(ref _environment, created);
                }
                catch (Exception ex) when (FindNativeLoadFailure(ex) is { } cause)
                {
                    throw new ModelLoadException(MissingNativeMessage(cause), ex);
                }
            }

            return _environment;
        }
    }

    /// <summary>The message for a native library that could not be loaded: which packages provide it.</summary>
    internal static string MissingNativeMessage(Exception cause)
    {
        string what = cause is EntryPointNotFoundException
            ? "a native ONNX Runtime library whose version matches Microsoft.ML.OnnxRuntime.Managed"
            : "the native ONNX Runtime library (onnxruntime)";
        // The runtime's message goes on with a probe list, one path a line: its first line says enough.
        string firstLine = cause.Message.ReplaceLineEndings("\n").Split('\n', 2)[0].TrimEnd(' ', ':', '.') + ".";
        return $"Expected {what} to load; got {cause.GetType().Name}: {firstLine} " +
            $"SkinSam.Sdk references only the managed ONNX Runtime API: add the package reference {CpuPackage} (CPU) or " +
            $"{GpuPackage} (CUDA) to the application, at the version of Microsoft.ML.OnnxRuntime.Managed it uses.";
    }

    /// <summary>The <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/> in an exception's chain, if any.</summary>
    internal static Exception? FindNativeLoadFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return e;
            }
        }

        return null;
    }
}
