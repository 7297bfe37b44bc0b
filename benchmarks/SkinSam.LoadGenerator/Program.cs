using System.Diagnostics;
using System.Globalization;
using System.Net;

// Load generator for SkinSam.Server (docs/serving.md). Loopback only: refuses any address that is not 127.0.0.1/::1/localhost.
//   dotnet run --project benchmarks/SkinSam.LoadGenerator -c Release -- --url http://127.0.0.1:5080 --clients 16 --requests 2000 samples/images/*.jpg
// Each request posts one image (round robin over the files) with a centre-point prompt and reads the PNG mask.
var images = new List<string>();
Uri url = new("http://127.0.0.1:5080/");
int clients = 16;
int requests = 2000;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--url": url = new Uri(args[++i]); break;
        case "--clients": clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: images.Add(args[i]); break;
    }
}

if (!url.IsLoopback)
{
    Console.Error.WriteLine($"Expected a loopback address (127.0.0.1, ::1, localhost); got {url.Host}.");
    return 2;
}

if (images.Count == 0 || clients < 1 || requests < 1)
{
    Console.Error.WriteLine("Usage: --url http://127.0.0.1:PORT [--clients 16] [--requests 2000] image.jpg [image2.jpg ...]");
    return 2;
}

byte[][] bodies = [.. images.Select(File.ReadAllBytes)];
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
var latencies = new double[requests];
var statuses = new int[requests];
int next = -1;
var total = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
{
    int n;
    while ((n = Interlocked.Increment(ref next)) < requests)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bodies[n % bodies.Length]);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", Path.GetFileName(images[n % images.Count]));
        long start = Stopwatch.GetTimestamp();
        using HttpResponseMessage response = await http.PostAsync("v1/segment", form).ConfigureAwait(false);
        byte[] mask = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        GC.KeepAlive(mask);
        latencies[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        statuses[n] = (int)response.StatusCode;
    }
}))).ConfigureAwait(false);
total.Stop();

double[] ok = [.. latencies.Where((_, i) => statuses[i] == (int)HttpStatusCode.OK).Order()];
double Percentile(double p) => ok.Length == 0 ? double.NaN : ok[Math.Min(ok.Length - 1, (int)Math.Ceiling(p * ok.Length) - 1)];
string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{requests} requests, {clients} clients, {images.Count} image(s): {ok.Length / total.Elapsed.TotalSeconds:F1} images/s, p50 {Percentile(0.50):F0} ms, p95 {Percentile(0.95):F0} ms, p99 {Percentile(0.99):F0} ms, {total.Elapsed.TotalSeconds:F1} s"));
Console.WriteLine("status counts: " + string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
Console.WriteLine($"load average (1, 5, 15 min): {load} on {Environment.ProcessorCount} cores (not a quiet-machine figure when the load is above the core count)");
return ok.Length == requests ? 0 : 1;
