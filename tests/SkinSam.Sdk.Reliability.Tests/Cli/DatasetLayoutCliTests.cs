using System.Text.Json;

namespace SkinSam.Sdk.Reliability.Tests.Cli;

/// <summary>
/// <c>skinsam evaluate --layout ph2|isic</c> on the committed layout samples (TestData/datasets of the evaluation tests,
/// real HAM10000 images arranged as PH2 and ISIC releases): every form is read, and the lesion types from its table or
/// CSV reach the report.
/// </summary>
public sealed class DatasetLayoutCliTests : IDisposable
{
    private static readonly string Samples = Path.Combine(
        ReliabilityFixtures.RepositoryRoot, "tests", "SkinSam.Sdk.Evaluation.Tests", "TestData", "datasets");

    private readonly string _work = Directory.CreateTempSubdirectory("skinsam-layouts-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [Trait("Category", "Long")]
    [InlineData("ph2", "ph2-release/PH2Dataset", 3, "atypical-nevus,common-nevus,melanoma")]
    [InlineData("ph2", "ph2-release/PH2Dataset/PH2 Dataset images", 3, "atypical-nevus,common-nevus,melanoma")]
    [InlineData("ph2", "ph2-flat", 3, "atypical-nevus,common-nevus,melanoma")]
    [InlineData("isic", "isic2016", 3, "benign,malignant")]
    [InlineData("isic", "isic2017", 3, "melanoma,nevus,seborrheic-keratosis")]
    [InlineData("isic", "isic2018", 8, "akiec,bcc,bkl,df,mel,nv,vasc")]
    [InlineData("isic", "isic-one-folder", 3, "unknown")]
    public async Task Evaluate_LayoutSample_ReportsEveryImageByItsLesionType(string layout, string sample, int images, string groups)
    {
        string outDir = Path.Combine(_work, "out");

        CliProcess.Result run = await CliProcess.RunAsync(
            ["evaluate", "--layout", layout, "--data", Path.Combine(Samples, sample), "--baseline", "ellipse", "--prompt", "box", "--no-plots", "--out", outDir]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using JsonDocument report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "report.json")));
        JsonElement[] rows = [.. report.RootElement.GetProperty("runs")[0].GetProperty("groups").EnumerateArray()];
        Assert.Equal(layout, report.RootElement.GetProperty("runs")[0].GetProperty("dataset").GetString());
        Assert.Equal(images, rows.Single(r => r.GetProperty("group").GetString() == "overall").GetProperty("n").GetInt32());
        Assert.Equal(
            groups.Split(','),
            rows.Select(r => r.GetProperty("group").GetString()!).Where(g => g != "overall").Order(StringComparer.Ordinal));
        Assert.Equal(images, rows.Where(r => r.GetProperty("group").GetString() != "overall").Sum(r => r.GetProperty("n").GetInt32()));
    }
}
