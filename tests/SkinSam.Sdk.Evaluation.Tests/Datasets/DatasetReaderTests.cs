using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Tests.Datasets;

public sealed class DatasetReaderTests
{
    [Fact]
    public void Ham10000Reader_FlatLayout_ReadsSamplesSortedByIdWithLesionTypes()
    {
        using var temp = new TempFolder();
        string[] ids = FakeDatasets.WriteHam10000Flat(temp.Path, 9);

        List<DatasetSample> samples = [.. new Ham10000Reader(temp.Path).ReadSamples()];

        Assert.Equal(ids.Order(StringComparer.Ordinal), samples.Select(s => s.Id));
        Assert.All(samples, s => Assert.True(File.Exists(s.ImagePath) && File.Exists(s.MaskPath)));
        Assert.Equal("mel", samples.Single(s => s.Id == FakeDatasets.IsicId(1)).LesionType);
        Assert.EndsWith("_segmentation.png", samples[0].MaskPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Ham10000Reader_OriginalLayout_ReadsBothPartsAndNestedMaskFolder()
    {
        using var temp = new TempFolder();
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "HAM10000_images_part_1", "ISIC_0000002.jpg"));
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "HAM10000_images_part_2", "ISIC_0000001.jpg"));
        string masks = Path.Combine(temp.Path, "HAM10000_segmentations_lesion_tschandl", "HAM10000_segmentations_lesion_tschandl");
        FakeDatasets.WriteMask(Path.Combine(masks, "ISIC_0000001_segmentation.png"), FakeDatasets.Lesion(1));
        FakeDatasets.WriteMask(Path.Combine(masks, "ISIC_0000002_segmentation.png"), FakeDatasets.Lesion(2));
        File.WriteAllText(Path.Combine(temp.Path, "HAM10000_metadata.csv"), "lesion_id,image_id,dx\nHAM_1,ISIC_0000001,bcc\n\"HAM_2\",\"ISIC_0000002\",\"df\"\n");

        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Ham10000Original, temp.Path).ReadSamples()];

        Assert.Equal(["ISIC_0000001", "ISIC_0000002"], samples.Select(s => s.Id));
        Assert.Equal(["bcc", "df"], samples.Select(s => s.LesionType));
        Assert.Contains("part_2", samples[0].ImagePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Ham10000Reader_MissingMask_ListsTheSampleWithItsExpectedMaskPath()
    {
        using var temp = new TempFolder();
        string[] ids = FakeDatasets.WriteHam10000Flat(temp.Path, 3);
        string mask = Path.Combine(temp.Path, "masks", ids[1] + "_segmentation.png");
        File.Delete(mask);

        List<DatasetSample> samples = [.. new Ham10000Reader(temp.Path).ReadSamples()];

        Assert.Equal(ids, samples.Select(s => s.Id));
        Assert.Equal(mask, samples[1].MaskPath);
        var ex = Assert.Throws<DatasetException>(() => GroundTruthFile.Load(samples[1].MaskPath));
        Assert.Equal(DatasetProblem.MissingMask, ex.Problem);
        Assert.Contains(ids[1] + "_segmentation.png", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ham10000Reader_MetadataWithoutDxColumn_ThrowsMalformedMetadata()
    {
        using var temp = new TempFolder();
        FakeDatasets.WriteHam10000Flat(temp.Path, 2);
        File.WriteAllText(Path.Combine(temp.Path, "metadata.csv"), "lesion_id,image_id\nHAM_1,ISIC_0024306\n");

        var ex = Assert.Throws<DatasetException>(() => new Ham10000Reader(temp.Path).ReadSamples());

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("'dx'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ham10000Reader_MissingFolder_ThrowsMissingFile()
    {
        using var temp = new TempFolder();

        var ex = Assert.Throws<DatasetException>(() => new Ham10000Reader(temp.Path).ReadSamples());

        Assert.Equal(DatasetProblem.MissingFile, ex.Problem);
        Assert.EndsWith("images", ex.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void IsicTask1Reader_BothMaskSpellings_PairsImagesAndSkipsSuperpixels()
    {
        using var temp = new TempFolder();
        string input = Path.Combine(temp.Path, "ISIC2018_Task1-2_Training_Input");
        string truth = Path.Combine(temp.Path, "ISIC2018_Task1_Training_GroundTruth");
        FakeDatasets.WriteImage(Path.Combine(input, "ISIC_0000000.jpg"));
        FakeDatasets.WriteImage(Path.Combine(input, "ISIC_0000001.jpg"));
        FakeDatasets.WriteImage(Path.Combine(input, "ISIC_0000001_superpixels.png"));
        File.WriteAllText(Path.Combine(input, "LICENSE.txt"), "x");
        FakeDatasets.WriteMask(Path.Combine(truth, "ISIC_0000000_segmentation.png"), FakeDatasets.Lesion(0));
        FakeDatasets.WriteMask(Path.Combine(truth, "ISIC_0000001_Segmentation.png"), FakeDatasets.Lesion(1));

        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Isic, temp.Path).ReadSamples()];

        Assert.Equal(["ISIC_0000000", "ISIC_0000001"], samples.Select(s => s.Id));
        Assert.EndsWith("ISIC_0000001_Segmentation.png", samples[1].MaskPath, StringComparison.Ordinal);
        Assert.All(samples, s => Assert.Null(s.LesionType));
    }

    [Fact]
    public void IsicTask1Reader_NoGroundTruthFolder_ThrowsMissingFile()
    {
        using var temp = new TempFolder();
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "ISIC2018_Task1-2_Training_Input", "ISIC_0000000.jpg"));

        var ex = Assert.Throws<DatasetException>(() => new IsicTask1Reader(temp.Path).ReadSamples());

        Assert.Equal(DatasetProblem.MissingFile, ex.Problem);
    }

    [Fact]
    public void Ph2Reader_ReleaseLayout_ReadsBmpPairsAndClinicalDiagnosis()
    {
        using var temp = new TempFolder();
        string images = Path.Combine(temp.Path, "PH2 Dataset images");
        foreach ((string id, int seed) in new[] { ("IMD003", 3), ("IMD002", 2), ("IMD010", 10) })
        {
            FakeDatasets.WriteImage(Path.Combine(images, id, id + "_Dermoscopic_Image", id + ".bmp"));
            FakeDatasets.WriteMask(Path.Combine(images, id, id + "_lesion", id + "_lesion.bmp"), FakeDatasets.Lesion(seed));
        }

        File.WriteAllLines(Path.Combine(temp.Path, "PH2_dataset.txt"),
        [
            "|| Name   || Histological Diagnosis || Clinical Diagnosis || Asymmetry || Pigment Network || Colors ||",
            "|| IMD002 ||                        ||         1          ||     0     ||        T        ||  3 4   ||",
            "|| IMD003 ||                        ||         0          ||     0     ||        T        ||  4 5   ||",
            "|| IMD010 ||       Melanoma         ||         2          ||     2     ||        A        ||  1 3   ||",
            string.Empty,
            "|| Legends ||",
            "|| Clinical Diagnosis: 0 - Common Nevus; 1 - Atypical Nevus; 2 - Melanoma ||",
        ]);

        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Ph2, temp.Path).ReadSamples()];

        Assert.Equal(["IMD002", "IMD003", "IMD010"], samples.Select(s => s.Id));
        Assert.Equal(["atypical-nevus", "common-nevus", "melanoma"], samples.Select(s => s.LesionType));
        Assert.EndsWith(Path.Combine("IMD002_lesion", "IMD002_lesion.bmp"), samples[0].MaskPath, StringComparison.Ordinal);
        Assert.True(GroundTruthFile.Load(samples[0].MaskPath, FakeDatasets.Width, FakeDatasets.Height).Area > 0);
    }

    [Fact]
    public void Ph2Reader_DiagnosisCodeOutOfRange_ThrowsMalformedMetadataWithLine()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["|| Name || Clinical Diagnosis ||", "|| IMD002 || 7 ||"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ph2Reader_MissingLesionMask_ListsTheCaseWithItsExpectedMaskPath()
    {
        using var temp = new TempFolder();
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "IMD002", "IMD002_Dermoscopic_Image", "IMD002.bmp"));

        DatasetSample sample = Assert.Single(new Ph2Reader(temp.Path).ReadSamples());

        Assert.Equal(Path.Combine(temp.Path, "IMD002", "IMD002_lesion", "IMD002_lesion.bmp"), sample.MaskPath);
        Assert.False(File.Exists(sample.MaskPath));
    }

    [Fact]
    public void FolderPairReader_MaskPattern_PairsMasksAndReadsMetadata()
    {
        using var temp = new TempFolder();
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "images", "b.png"));
        FakeDatasets.WriteImage(Path.Combine(temp.Path, "images", "a.jpg"));
        FakeDatasets.WriteMask(Path.Combine(temp.Path, "masks", "a_mask.png"), FakeDatasets.Lesion(1));
        FakeDatasets.WriteMask(Path.Combine(temp.Path, "masks", "b_mask.png"), FakeDatasets.Lesion(2));
        File.WriteAllText(Path.Combine(temp.Path, "metadata.csv"), "image_id,dx\na,mel\n");

        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Folders, temp.Path, "{id}_mask.png").ReadSamples()];

        Assert.Equal(["a", "b"], samples.Select(s => s.Id));
        Assert.Equal(["mel", null], samples.Select(s => s.LesionType));
    }

    [Fact]
    public void FolderPairReader_PatternWithoutId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new FolderPairReader("/x", "/y", "mask.png"));
    }

    [Fact]
    public void DatasetReaders_ParseLayout_UnknownName_ThrowsFormatException()
    {
        Assert.Equal(DatasetLayout.Ham10000Original, DatasetReaders.ParseLayout("HAM10000-original"));
        Assert.Throws<FormatException>(() => DatasetReaders.ParseLayout("coco"));
    }

    [Fact]
    public void GroundTruthFile_SizeMismatch_ThrowsNamingTheMask()
    {
        using var temp = new TempFolder();
        string mask = Path.Combine(temp.Path, "m.png");
        FakeDatasets.WriteMask(mask, FakeDatasets.Lesion(1));

        var ex = Assert.Throws<DatasetException>(() => GroundTruthFile.Load(mask, FakeDatasets.Width + 1, FakeDatasets.Height));

        Assert.Equal(DatasetProblem.SizeMismatch, ex.Problem);
        Assert.Equal(mask, ex.FilePath);
        Assert.Contains("25x18", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GroundTruthFile_GrayValues_ThrowsNonBinaryMask()
    {
        using var temp = new TempFolder();
        string mask = Path.Combine(temp.Path, "m.png");
        FakeDatasets.WriteMask(mask, FakeDatasets.Lesion(1), foreground: 128);

        var ex = Assert.Throws<DatasetException>(() => GroundTruthFile.Load(mask));

        Assert.Equal(DatasetProblem.NonBinaryMask, ex.Problem);
        Assert.Contains("value 128", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GroundTruthFile_ZeroOneMask_ReadsSameAsZero255()
    {
        using var temp = new TempFolder();
        BinaryMask lesion = FakeDatasets.Lesion(4);
        FakeDatasets.WriteMask(Path.Combine(temp.Path, "a.png"), lesion, foreground: 1);
        FakeDatasets.WriteMask(Path.Combine(temp.Path, "b.bmp"), lesion, foreground: 255);

        Assert.Equal(lesion.ToBytes(), GroundTruthFile.Load(Path.Combine(temp.Path, "a.png")).ToBytes());
        Assert.Equal(lesion.ToBytes(), GroundTruthFile.Load(Path.Combine(temp.Path, "b.bmp")).ToBytes());
    }

    [Fact]
    public void GroundTruthFile_ReadImageSize_ReadsHeader()
    {
        using var temp = new TempFolder();
        string image = Path.Combine(temp.Path, "i.jpg");
        FakeDatasets.WriteImage(image, 31, 17);

        Assert.Equal((31, 17), GroundTruthFile.ReadImageSize(image));
    }
}
