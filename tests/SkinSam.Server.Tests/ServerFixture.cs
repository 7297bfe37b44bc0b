using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SkinSam.Sdk.Hosting;

namespace SkinSam.Server.Tests;

/// <summary>
/// The real service (Kestrel) on 127.0.0.1 with a port the OS picks, in this process, with the default model
/// (SkinSAM-Tiny) and the settings a test class gives; ready (model loaded and warmed up) before the first test.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ServerFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    protected ServerFixture(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = ServerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(_settings) { ["Logging:LogLevel:Default"] = "Warning" });
        });
        await App.StartAsync().ConfigureAwait(false);
        string address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var readiness = App.Services.GetRequiredService<SkinSamReadiness>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!readiness.IsReady)
        {
            Assert.Null(readiness.Failure);
            await Task.Delay(50, cancel.Token).ConfigureAwait(false);
        }
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A service with tight limits: 20,000 pixels per image, one model slot and no queue.</summary>
public sealed class TightLimitsServerFixture : ServerFixture
{
    public TightLimitsServerFixture()
        : base(new Dictionary<string, string?>
        {
            ["SkinSam:Serving:MaxImagePixels"] = "20000",
            ["SkinSam:Serving:MaxImageBytes"] = "200000",
            ["SkinSam:Serving:MaxConcurrentRequests"] = "1",
            ["SkinSam:Serving:MaxQueuedRequests"] = "0",
            ["SkinSam:Serving:RetryAfterSeconds"] = "3",
            ["SkinSam:Serving:WarmUp"] = "false",
        })
    {
    }
}
