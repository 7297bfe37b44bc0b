using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SkinSam.Sdk.Benchmarks.Infrastructure;

// --prepare-models: generate the random-weight ViT-B (and ViT-L/H on request) into .cache/models, then exit.
if (args.Contains("--prepare-models"))
{
    return RandomModelExporter.PrepareAll();
}

// --paired decode|decode-into|encode --model NAME: bare and SDK calls alternating in one process (Inference/PairedOverhead.cs).
if (args.Contains("--paired"))
{
    return SkinSam.Sdk.Benchmarks.Inference.PairedOverhead.Run(args);
}

Console.WriteLine("SkinSam.Sdk benchmarks: execution providers");
foreach ((string name, bool usable, string note) in ProviderCatalog.Describe())
{
    Console.WriteLine($"  {name,-9} {(usable ? "USED" : "skipped"),-8} {note}");
}

Console.WriteLine("SkinSam.Sdk benchmarks: models (SKINSAM_BENCH_MODELS)");
foreach ((string name, string? folder, string note) in BenchmarkModelCatalog.Describe())
{
    Console.WriteLine($"  {name,-13} {(folder is null ? "skipped" : "USED"),-8} {note}");
}

if (!ProviderCatalog.CudaOnly().Any())
{
    Console.WriteLine("  GpuIoBindingBenchmarks has no cases: CUDA is absent (GPU numbers: not measured).");
}

if (args.Contains("--list-environment"))
{
    return 0;
}

// BenchmarkDotNet's own --inProcess toolchain aborts the whole run when one benchmark takes more than a few
// minutes (a ViT-B encode under load does); take the flag here and use an in-process toolchain with a long timeout.
// This job is the base job, so --job is ignored with --inProcess: give --warmupCount/--iterationCount instead.
bool inProcess = args.Any(a => a.Equals("--inProcess", StringComparison.OrdinalIgnoreCase));
string[] switcherArgs = [.. args.Where(a => !a.Equals("--inProcess", StringComparison.OrdinalIgnoreCase))];
IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min);
if (inProcess)
{
    config = config.AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true)).AsDefault());
}

Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(switcherArgs, config).ToArray();

// BenchmarkDotNet returns normally when a benchmark throws; CI must see that as a failure (never timings).
int failed = 0;
foreach (Summary summary in summaries)
{
    if (summary.HasCriticalValidationErrors)
    {
        Console.WriteLine($"FAILED: {summary.Title}: critical validation errors: {string.Join("; ", summary.ValidationErrors.Select(e => e.Message))}");
        failed++;
    }

    foreach (BenchmarkReport report in summary.Reports.Where(r => !r.Success))
    {
        Console.WriteLine($"FAILED: {report.BenchmarkCase.DisplayInfo}");
        failed++;
    }
}

int ran = summaries.Sum(s => s.Reports.Length);
Console.WriteLine(failed == 0 ? $"Ran {ran} benchmark case(s); none failed." : $"Ran {ran} benchmark case(s); {failed} failed.");
return failed == 0 ? 0 : 1;
