using SkinSam.Sdk.Evaluation.Baselines;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Evaluation.Reports;
using SkinSam.Sdk.Evaluation.Running;
using SkinSam.Sdk.Metrics;

namespace SkinSam.Sdk.Evaluation.Tests.Running;

public sealed class CompareTests
{
    [Fact]
    public async Task EvaluationReport_Read_RunFolder_EqualsTheRunsReport()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("data");
        FakeDatasets.WriteHam10000Flat(data, 6);
        var bootstrap = new BootstrapOptions { Resamples = 100 };
        var options = new EvaluationOptions { Prompt = PromptStrategy.Box, WritePlots = false, Bootstrap = bootstrap };
        EvaluationRun run = await new EvaluationRunner(new ShapeBaselineModel(BaselineShape.Ellipse), new Ham10000Reader(data), options).RunAsync(Path.Combine(temp.Path, "a"));

        EvaluationReport read = EvaluationReport.Read(Path.Combine(temp.Path, "a"), bootstrap);

        Assert.Equal(ReportWriter.ToCsv([run.Report]), ReportWriter.ToCsv([read]));
    }

    [Fact]
    public void EvaluationReport_Read_EmptyFolder_ThrowsEvaluationOutputException()
    {
        using var temp = new TempFolder();

        Assert.Throws<EvaluationOutputException>(() => EvaluationReport.Read(temp.Path, BootstrapOptions.Default));
    }
}
