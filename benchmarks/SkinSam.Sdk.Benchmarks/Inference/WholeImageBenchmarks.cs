using BenchmarkDotNet.Attributes;

namespace SkinSam.Sdk.Benchmarks.Inference;

/// <summary>A whole image: encode once, decode three prompts (box, point, box + point). SDK against bare runs.</summary>
[MemoryDiagnoser]
public class WholeImageBenchmarks : SamInferenceBenchmarkBase
{
    /// <summary>Bare encoder run then three bare decoder runs.</summary>
    /// <returns>Sum of the first IoU predictions.</returns>
    [Benchmark(Baseline = true)]
    public float BareEncodeAndDecode3()
    {
        Fixture.BareEncode();
        float sum = 0;
        for (int i = 0; i < Fixture.Prompts.Count; i++)
        {
            sum += Fixture.BareDecode(i);
        }

        return sum;
    }

    /// <summary>SDK <c>Encode</c> then three <c>Decode</c> calls.</summary>
    /// <returns>Sum of the predicted IoUs.</returns>
    [Benchmark]
    public float SdkEncodeAndDecode3()
    {
        using var embedding = Fixture.Model.Encode(Fixture.Image);
        float sum = 0;
        foreach (var prompt in Fixture.Prompts)
        {
            sum += Fixture.Model.Decode(embedding, prompt).PredictedIou;
        }

        return sum;
    }
}
