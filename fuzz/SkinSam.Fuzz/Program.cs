using System.Diagnostics;
using System.Security.Cryptography;
using SharpFuzz;
using SkinSam.Fuzz;

// Modes (see fuzz/README.md):
//   libfuzzer                      under SharpFuzz's libfuzzer-dotnet (coverage-guided; needs the sharpfuzz-instrumented build)
//   afl                            under afl-fuzz (coverage-guided; needs the sharpfuzz-instrumented build). Inputs run in
//                                  a child .NET process that SharpFuzz's OutOfProcess server restarts when it dies, so a
//                                  timeout or a fatal runtime error is saved as a hang or crash instead of ending the run
//   replay PATH...                 run every file (or every file in each folder) once; exit 1 on a crash
//   mutate CORPUS SECONDS [SEED]   non-instrumented random mutation of the corpus for SECONDS; exit 1 on a crash,
//                                  writing the crashing input to fuzz/crashes/
string mode = args.Length > 0 ? args[0] : "help";
switch (mode)
{
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => DecodeTarget.Run(span));
        return 0;
    case "afl":
        // Not Fuzzer.Run: with the in-process server, afl-fuzz kills the only .NET process on a timeout and aborts with
        // "Unable to communicate with fork server" (seen here in one of the first 60 s runs, on a loaded 2-core machine).
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            DecodeTarget.Run(buffer.ToArray());
        });
        return 0;
    case "replay" when args.Length > 1:
        return Replay(args[1..]);
    case "mutate" when args.Length > 2:
        return Mutate(args[1], double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount);
    default:
        Console.Error.WriteLine("usage: SkinSam.Fuzz libfuzzer | afl | replay PATH... | mutate CORPUS SECONDS [SEED]");
        return 2;
}

static IEnumerable<string> Files(IEnumerable<string> paths) =>
    paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]);

static int Replay(string[] paths)
{
    int count = 0;
    foreach (string file in Files(paths))
    {
        if (!TryRun(File.ReadAllBytes(file), out Exception? crash))
        {
            Console.Error.WriteLine($"CRASH {file}: {crash}");
            return 1;
        }

        count++;
    }

    Console.WriteLine($"replayed {count} inputs, no crash");
    return 0;
}

static int Mutate(string corpus, double seconds, int seed)
{
    byte[][] inputs = Files([corpus]).Select(File.ReadAllBytes).ToArray();
    if (inputs.Length == 0)
    {
        Console.Error.WriteLine($"expected seed files in '{corpus}'; got none");
        return 2;
    }

    var random = new Random(seed);
    var mutator = new Mutator(random);
    var clock = Stopwatch.StartNew();
    long runs = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        byte[] input = mutator.Mutate(inputs[random.Next(inputs.Length)], inputs[random.Next(inputs.Length)]);
        runs++;
        if (!TryRun(input, out Exception? crash))
        {
            string dir = Path.Combine(AppContext.BaseDirectory, "crashes");
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, "crash-" + Convert.ToHexStringLower(SHA1.HashData(input)));
            File.WriteAllBytes(path, input);
            Console.Error.WriteLine($"CRASH after {runs} runs (seed {seed}), input saved to {path}: {crash}");
            return 1;
        }
    }

    Console.WriteLine($"mutate: {runs} runs in {clock.Elapsed.TotalSeconds:F0} s over {inputs.Length} seeds (seed {seed}), no crash");
    return 0;
}

static bool TryRun(byte[] input, out Exception? crash)
{
    try
    {
        DecodeTarget.Run(input);
        crash = null;
        return true;
    }
    catch (Exception ex)
    {
        crash = ex;
        return false;
    }
}
