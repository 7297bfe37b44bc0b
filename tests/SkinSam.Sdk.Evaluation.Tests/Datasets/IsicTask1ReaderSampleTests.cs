using SkinSam.Sdk.Evaluation.Datasets;

namespace SkinSam.Sdk.Evaluation.Tests.Datasets;

/// <summary>The ISIC Task 1 reader on the committed 2016, 2017, 2018 and one-folder samples (real HAM10000 images in those layouts).</summary>
public sealed class IsicTask1ReaderSampleTests
{
    [Fact]
    public void ReadSamples_Isic2016_PairsCapitalisedSegmentationMasksAndReadsPart3Diagnoses()
    {
        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Isic, SampleData.Path("isic2016")).ReadSamples()];

        Assert.Equal(["ISIC_0024307", "ISIC_0028155", "ISIC_0030623"], samples.Select(s => s.Id));
        Assert.Equal(["benign", "benign", "malignant"], samples.Select(s => s.LesionType));
        Assert.All(samples, s => Assert.EndsWith(s.Id + "_Segmentation.png", s.MaskPath, StringComparison.Ordinal));
        SampleData.AssertMasksFitImages(samples);
    }

    [Fact]
    public void ReadSamples_Isic2017_SkipsSuperpixelsAndMetadataAndReadsPart3Diagnoses()
    {
        List<DatasetSample> samples = [.. new IsicTask1Reader(SampleData.Path("isic2017")).ReadSamples()];

        Assert.Equal(["ISIC_0024693", "ISIC_0027419", "ISIC_0031023"], samples.Select(s => s.Id));
        Assert.Equal(["nevus", "seborrheic-keratosis", "melanoma"], samples.Select(s => s.LesionType));
        Assert.All(samples, s => Assert.EndsWith(s.Id + ".jpg", s.ImagePath, StringComparison.Ordinal));
        SampleData.AssertMasksFitImages(samples);
    }

    [Fact]
    public void ReadSamples_Isic2018_ReadsTask3OneHotDiagnosesAsHam10000Types()
    {
        List<DatasetSample> samples = [.. new IsicTask1Reader(SampleData.Path("isic2018")).ReadSamples()];

        Assert.Equal(
            ["ISIC_0024698", "ISIC_0025964", "ISIC_0027419", "ISIC_0028155", "ISIC_0028880", "ISIC_0029417", "ISIC_0031197", "ISIC_0032212"],
            samples.Select(s => s.Id));
        Assert.Equal(["nv", "mel", "bkl", "bcc", "df", "akiec", "vasc", "nv"], samples.Select(s => s.LesionType));
        SampleData.AssertMasksFitImages(samples);
    }

    [Fact]
    public void ReadSamples_Isic2018WithoutCsv_LesionTypesAreNull()
    {
        using var temp = new TempFolder();
        SampleData.CopyTree("isic2018", temp.Path, ".csv");

        List<DatasetSample> samples = [.. new IsicTask1Reader(temp.Path).ReadSamples()];

        Assert.Equal(8, samples.Count);
        Assert.All(samples, s => Assert.Null(s.LesionType));
    }

    [Fact]
    public void ReadSamples_ImagesAndMasksInOneFolder_PairsThemWithoutLesionTypes()
    {
        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Isic, SampleData.Path("isic-one-folder")).ReadSamples()];

        Assert.Equal(["ISIC_0025030", "ISIC_0029915", "ISIC_0031309"], samples.Select(s => s.Id));
        Assert.All(samples, s => Assert.Equal(Path.GetDirectoryName(s.ImagePath), Path.GetDirectoryName(s.MaskPath)));
        Assert.All(samples, s => Assert.Null(s.LesionType));
        SampleData.AssertMasksFitImages(samples);
    }

    [Fact]
    public void ReadSamples_OneFolderMissingAMask_ListsTheImageWithItsExpectedMaskPath()
    {
        using var temp = new TempFolder();
        SampleData.CopyTree("isic-one-folder", temp.Path, "ISIC_0029915_segmentation.png");

        DatasetSample sample = Assert.Single(new IsicTask1Reader(temp.Path).ReadSamples(), s => s.Id == "ISIC_0029915");

        Assert.EndsWith("ISIC_0029915.jpg", sample.ImagePath, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(temp.Path, "ISIC_0029915_segmentation.png"), sample.MaskPath);
        Assert.False(File.Exists(sample.MaskPath));
    }

    [Fact]
    public void ReadSamples_2017DiagnosisNotZeroOrOne_ThrowsMalformedMetadataWithLine()
    {
        using var temp = new TempFolder();
        SampleData.CopyTree("isic2017", temp.Path);
        File.WriteAllText(Path.Combine(temp.Path, "ISIC-2017_Training_Part3_GroundTruth.csv"), "image_id,melanoma,seborrheic_keratosis\nISIC_0024693,0.0,0.0\nISIC_0027419,yes,0.0\n");

        var ex = Assert.Throws<DatasetException>(() => new IsicTask1Reader(temp.Path).ReadSamples());

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("expected 0 or 1 under 'melanoma' on line 3; got 'yes'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSamples_Task3RowWithTwoClasses_ThrowsExpectedExactlyOne()
    {
        using var temp = new TempFolder();
        SampleData.CopyTree("isic2018", temp.Path, ".csv");
        File.WriteAllText(Path.Combine(temp.Path, "ISIC2018_Task3_Training_GroundTruth.csv"), "image,MEL,NV\nISIC_0024698,1.0,1.0\n");

        var ex = Assert.Throws<DatasetException>(() => new IsicTask1Reader(temp.Path).ReadSamples());

        Assert.Contains("expected exactly one of MEL, NV marked 1 on line 2; got 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSamples_2016DiagnosisUnknownWord_ThrowsMalformedMetadata()
    {
        using var temp = new TempFolder();
        SampleData.CopyTree("isic2016", temp.Path, ".csv");
        File.WriteAllText(Path.Combine(temp.Path, "ISBI2016_ISIC_Part3_Training_GroundTruth.csv"), "ISIC_0024307,benign\nISIC_0028155,suspicious\n");

        var ex = Assert.Throws<DatasetException>(() => new IsicTask1Reader(temp.Path).ReadSamples());

        Assert.Contains("expected benign, malignant, 0 or 1 for ISIC_0028155 on line 2; got 'suspicious'", ex.Message, StringComparison.Ordinal);
    }
}
