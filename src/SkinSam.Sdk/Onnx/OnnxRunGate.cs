using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace SkinSam.Sdk.Onnx;

/// <summary>
/// The run gate of one model: counts calls in flight, runs sessions with <see cref="RunOptions"/> that cancellation
/// and disposal can terminate, translates ONNX Runtime failures, and on <see cref="Close"/> terminates the runs still
/// going and waits until every call has left, so the sessions can then be disposed.
/// </summary>
/// <remarks>
/// <see cref="Track"/>, <see cref="Untrack"/> and <see cref="Close"/> keep the locking of the race fix: a call takes
/// its <see cref="RunOptions"/> out of the running set under the lock before disposing them, and Close sets
/// Terminate under the same lock, so it never touches RunOptions a finishing call has disposed (a native null write).
/// </remarks>
internal sealed class OnnxRunGate
{
    private readonly ConcurrentDictionary<RunOptions, byte> _running = new();

    // Held while Close sets Terminate and while a call takes its RunOptions out of _running (before disposing them):
    // without it Close could set Terminate on RunOptions a finishing call had just disposed, a native null write.
    private readonly Lock _runningGate = new();
    private readonly string _owner;
    private readonly string _modelName;
    private int _inFlight;
    private int _disposed;

    /// <summary>Creates the gate of one model.</summary>
    /// <param name="owner">The model's type name, for <see cref="ObjectDisposedException"/>.</param>
    /// <param name="modelName">The model's name, for messages.</param>
    public OnnxRunGate(string owner, string modelName)
    {
        _owner = owner;
        _modelName = modelName;
    }

    /// <summary>
    /// Closes the gate: new calls fail with <see cref="ObjectDisposedException"/>, running sessions are terminated,
    /// and this returns once every call has left. False when it was closed already.
    /// </summary>
    /// <returns>True for the first call.</returns>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return false;
        }

        lock (_runningGate)
        {
            foreach (RunOptions running in _running.Keys)
            {
                running.Terminate = true;
            }
        }

        SpinWait.SpinUntil(() => Volatile.Read(ref _inFlight) == 0);
        return true;
    }

    public void Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        RunWith(runOptions, session, inputNames, inputs, outputNames, outputs, cancellationToken);
    }

    /// <summary>
    /// Runs into preallocated outputs with caller-owned <see cref="RunOptions"/> (reused across calls by one caller at a
    /// time, e.g. a <see cref="Models.DecodeBuffers"/>' state): Terminate is cleared before the run.
    /// </summary>
    public void RunWith(RunOptions runOptions, InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs, CancellationToken cancellationToken)
    {
        runOptions.Terminate = false;
        using CancellationTokenRegistration registration = Track(runOptions, cancellationToken);
        try
        {
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            Untrack(runOptions);
        }
    }

    /// <summary>Runs a session over an I/O binding (outputs bound to a device, for embeddings kept there).</summary>
    public void RunBinding(InferenceSession session, OrtIoBinding binding, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = Track(runOptions, cancellationToken);
        try
        {
            session.RunWithBinding(runOptions, binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            Untrack(runOptions);
        }
    }

    public IDisposableReadOnlyCollection<OrtValue> RunAllocating(InferenceSession session, string[] inputNames, List<OrtValue> inputs, string[] outputNames, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = Track(runOptions, cancellationToken);
        try
        {
            return session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            Untrack(runOptions);
        }
    }

    internal CancellationTokenRegistration Track(RunOptions runOptions, CancellationToken cancellationToken)
    {
        _running.TryAdd(runOptions, 0);
        if (Volatile.Read(ref _disposed) == 1)
        {
            runOptions.Terminate = true;
        }

        return cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions)
            : default;
    }

    internal void Untrack(RunOptions runOptions)
    {
        lock (_runningGate)
        {
            _running.TryRemove(runOptions, out _);
        }
    }

    private Exception Translate(OnnxRuntimeException ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }

        if (Volatile.Read(ref _disposed) == 1)
        {
            return new ObjectDisposedException(_owner, "The model was disposed while the call was running.");
        }

        return new ModelOutputException($"ONNX Runtime failed while running model '{_modelName}': {ex.Message}", ex);
    }

    public void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _disposed) == 1)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new ObjectDisposedException(_owner, $"Model '{_modelName}' was disposed.");
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
