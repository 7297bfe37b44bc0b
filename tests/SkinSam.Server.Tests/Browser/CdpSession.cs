using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SkinSam.Server.Tests.Browser;

/// <summary>
/// A minimal Chrome DevTools Protocol client over <see cref="ClientWebSocket"/>: sends commands as JSON with ids and
/// completes each with its response; events are ignored. Enough to drive one page of a headless browser.
/// </summary>
internal sealed class CdpSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiver;
    private int _nextId;

    public static async Task<CdpSession> ConnectAsync(Uri webSocketUrl, CancellationToken cancellationToken)
    {
        var session = new CdpSession();
        session._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await session._socket.ConnectAsync(webSocketUrl, cancellationToken).ConfigureAwait(false);
        session._receiver = Task.Run(session.ReceiveLoopAsync);
        return session;
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error fails the test with the browser's message.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, CancellationToken cancellationToken = default)
    {
        int id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters is null ? new JsonObject() : JsonSerializer.SerializeToNode(parameters) };
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        JsonElement response = await completion.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (response.TryGetProperty("error", out JsonElement error))
        {
            Assert.Fail($"DevTools {method} failed: {error.GetRawText()}");
        }

        return response.GetProperty("result").Clone();
    }

    /// <summary>Evaluates an expression in the page (awaiting a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
    {
        JsonElement result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, cancellationToken).ConfigureAwait(false);
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
        {
            Assert.Fail($"The page threw while evaluating {expression}: {exception.GetRawText()}");
        }

        JsonElement value = result.GetProperty("result");
        return value.TryGetProperty("value", out JsonElement v) ? v.Clone() : default;
    }

    /// <summary>Polls an expression until it is true; fails with <paramref name="describe"/>'s value when it never is.</summary>
    public async Task WaitUntilAsync(string condition, string describe, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            if (await EvaluateAsync($"!!({condition})").ConfigureAwait(false) is { ValueKind: JsonValueKind.True })
            {
                return;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        JsonElement state = await EvaluateAsync(describe).ConfigureAwait(false);
        Assert.Fail($"Waited {timeout.TotalSeconds:F0} s for {condition}; the page says {state}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The browser may already be gone.
            }
        }

        if (_receiver is not null)
        {
            await Task.WhenAny(_receiver, Task.Delay(2000)).ConfigureAwait(false);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult received = await _socket.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                using (JsonDocument document = JsonDocument.Parse(message.ToArray()))
                {
                    if (document.RootElement.TryGetProperty("id", out JsonElement id) && _pending.TryRemove(id.GetInt32(), out var completion))
                    {
                        completion.TrySetResult(document.RootElement.Clone());
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closing.
        }

        foreach (var completion in _pending.Values)
        {
            completion.TrySetException(new InvalidOperationException("The DevTools connection closed before the answer came."));
        }
    }
}
