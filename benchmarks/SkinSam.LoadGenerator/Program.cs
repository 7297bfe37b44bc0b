using System.Diagnostics;
using System.Globalization;
using System.Net;

// Load generator for SkinSam.Server (docs/serving.md). Loopback only: refuses any address that is not 127.0.0.1/::1/localhost.
//   dotnet run --project benchmarks/SkinSam.LoadGenerator -c Release -- --url http://127.0.0.1:5080 --clients 16 --requests 2000 samples/images/*.jpg
//   ... --box 20,15,180,135 --warmup 32   (the prompt of benchmarks/cli-throughput.sh; 32 untimed requests first)
// Each request posts one image (round robin over the files, in the order given) and reads the PNG mask; with --box the
// box goes along as the form field 'box', without it the model's no-prompt mode is used. Images/s counts the timed
// requests answered 200, over the timed wall time.
var images = new List<string>();
Uri url = new("http://127.0.0.1:5080/");
int clients = 16;
int requests = 2000;
int warmup = 0;
string? box = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--url": url = new Uri(args[++i]); break;
        case "--clients": clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--box": box = "[" + args[++i] + "]"; break;
        default: images.Add(args[i]); break;
    }
}

if (!url.IsLoopback)
{
    Console.Error.WriteLine($"Expected a loopback address (127.0.0.1, ::1, localhost); got {url.Host}.");
    return 2;
}

if (images.Count == 0 || clients < 1 || requests < 1 || warmup < 0)
{
    Console.Error.WriteLine("Usage: --url http://127.0.0.1:PORT [--clients 16] [--requests 2000] [--warmup 0] [--box x0,y0,x1,y1] image.jpg [image2.jpg ...]");
    return 2;
}

byte[][] bodies = [.. images.Select(File.ReadAllBytes)];
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
async Task<(int Status, double Milliseconds)> PostAsync(int n)
{
    using var form = new MultipartFormDataContent();
    var file = new ByteArrayContent(bodies[n % bodies.Length]);
    file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
    form.Add(file, "image", Path.GetFileName(images[n % images.Count]));
    if (box is not null)
    {
        form.Add(new StringContent(box), "box");
    }

    long start = Stopwatch.GetTimestamp();
    using HttpResponseMessage response = await http.PostAsync("v1/segment", form).ConfigureAwait(false);
    byte[] mask = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    GC.KeepAlive(mask);
    return ((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

async Task RunAsync(int count, Action<int, int, double> record)
{
    int next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        int n;
        while ((n = Interlocked.Increment(ref next)) < count)
        {
            (int status, double ms) = await PostAsync(n).ConfigureAwait(false);
            record(n, status, ms);
        }
    }))).ConfigureAwait(false);
}

var latencies = new double[requests];
var statuses = new int[requests];
int warmupFailures = 0;
await RunAsync(warmup, (_, status, _) =>
{
    if (status != (int)HttpStatusCode.OK)
    {
        Interlocked.Increment(ref warmupFailures);
    }
}).ConfigureAwait(false);
if (warmupFailures > 0)
{
    Console.Error.WriteLine($"{warmupFailures} of {warmup} warm-up requests failed.");
}

var total = Stopwatch.StartNew();
await RunAsync(requests, (n, status, ms) =>
{
    latencies[n] = ms;
    statuses[n] = status;
}).ConfigureAwait(false);
total.Stop();

double[] ok = [.. latencies.Where((_, i) => statuses[i] == (int)HttpStatusCode.OK).Order()];
double Percentile(double p) => ok.Length == 0 ? double.NaN : ok[Math.Min(ok.Length - 1, (int)Math.Ceiling(p * ok.Length) - 1)];
string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{requests} requests ({warmup} warm-up before), {clients} clients, {images.Count} image(s), prompt {box ?? "none"}: {ok.Length / total.Elapsed.TotalSeconds:F1} images/s, p50 {Percentile(0.50):F0} ms, p95 {Percentile(0.95):F0} ms, p99 {Percentile(0.99):F0} ms, {total.Elapsed.TotalSeconds:F1} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result: images_per_s={ok.Length / total.Elapsed.TotalSeconds:F2} p50_ms={Percentile(0.50):F1} p95_ms={Percentile(0.95):F1}"));
Console.WriteLine("status counts: " + string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
Console.WriteLine($"load average (1, 5, 15 min): {load} on {Environment.ProcessorCount} cores (not a quiet-machine figure when the load is above the core count)");
return ok.Length == requests ? 0 : 1;
