using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkinSam.Server.Tests.Browser;

/// <summary>
/// Debian's chromium, headless, with a fresh profile and the DevTools port the OS picks; closed networking flags
/// (no background traffic). Killed and its profile deleted on dispose.
/// </summary>
internal sealed partial class HeadlessChromium : IDisposable
{
    /// <summary>Set to 1 to let the browser tests pass without a browser (a machine that cannot install chromium); CI never sets it.</summary>
    public const string OptOutVariable = "SKINSAM_SKIP_BROWSER_TESTS";

    /// <summary>The browser to use instead of the ones searched for.</summary>
    public const string PathVariable = "SKINSAM_CHROMIUM";

    private readonly Process _process;
    private readonly string _profile;

    private HeadlessChromium(Process process, string profile, Uri devTools)
    {
        _process = process;
        _profile = profile;
        DevTools = devTools;
    }

    /// <summary>The DevTools HTTP endpoint, e.g. http://127.0.0.1:41234/.</summary>
    public Uri DevTools { get; }

    /// <summary>The browser's path, or null when none is installed.</summary>
    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
    }

    public static bool OptedOut => Environment.GetEnvironmentVariable(OptOutVariable) == "1";

    public static async Task<HeadlessChromium> StartAsync(string executable)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"skinsam-chromium-{Guid.NewGuid():N}");
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--window-size=1000,800",
            $"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        while (true)
        {
            string? line = await process.StandardError.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (line is null)
            {
                Assert.Fail($"{executable} exited before it listened for DevTools; it wrote: {string.Join(" | ", seen)}");
            }

            seen.Add(line);
            Match match = DevToolsLine().Match(line);
            if (match.Success)
            {
                // Keep draining stderr so the browser never blocks on a full pipe.
                _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
                return new HeadlessChromium(process, profile, new Uri($"http://127.0.0.1:{match.Groups[1].Value}/"));
            }
        }
    }

    /// <summary>The WebSocket address of the first page target (the about:blank tab).</summary>
    public async Task<Uri> FirstPageAsync()
    {
        using var http = new HttpClient { BaseAddress = DevTools, Timeout = TimeSpan.FromSeconds(30) };
        JsonElement targets = await http.GetFromJsonAsync<JsonElement>("json/list").ConfigureAwait(false);
        foreach (JsonElement target in targets.EnumerateArray())
        {
            if (target.GetProperty("type").GetString() == "page")
            {
                return new Uri(target.GetProperty("webSocketDebuggerUrl").GetString()!);
            }
        }

        Assert.Fail($"The browser has no page target: {targets}");
        return null!;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A child still holds a file; the temp folder is cleaned later.
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex DevToolsLine();
}
