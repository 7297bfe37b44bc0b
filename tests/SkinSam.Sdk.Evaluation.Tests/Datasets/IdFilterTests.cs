using SkinSam.Sdk.Evaluation.Datasets;

namespace SkinSam.Sdk.Evaluation.Tests.Datasets;

public sealed class IdFilterTests
{
    [Fact]
    public void IdListFile_Read_SkipsHeaderCommentsBlankLinesAndExtensions()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "val_split.txt");
        File.WriteAllText(path, "image_id\n# validation split\nISIC_0024306\n\n  ISIC_0024308.jpg \nISIC_0024306\n");

        Assert.Equal(["ISIC_0024306", "ISIC_0024308"], IdListFile.Read(path));
    }

    [Fact]
    public void IdListFile_Read_CsvLine_ThrowsMalformedMetadata()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "ids.txt");
        File.WriteAllText(path, "ISIC_1,nv\n");

        var ex = Assert.Throws<DatasetException>(() => IdListFile.Read(path));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilteredDatasetReader_ListedIds_KeepsOnlyThoseInIdOrder()
    {
        using var temp = new TempFolder();
        string[] ids = FakeDatasets.WriteHam10000Flat(temp.Path, 6);

        var reader = new FilteredDatasetReader(new Ham10000Reader(temp.Path), [ids[4], ids[1]]);

        Assert.Equal([ids[1], ids[4]], reader.ReadSamples().Select(s => s.Id));
    }

    [Fact]
    public void FilteredDatasetReader_IdNotInDataset_ThrowsUnknownIdNamingIt()
    {
        using var temp = new TempFolder();
        string[] ids = FakeDatasets.WriteHam10000Flat(temp.Path, 3);

        var reader = new FilteredDatasetReader(new Ham10000Reader(temp.Path), [ids[0], "ISIC_9999999"], "split.txt");
        var ex = Assert.Throws<DatasetException>(() => reader.ReadSamples().ToList());

        Assert.Equal(DatasetProblem.UnknownId, ex.Problem);
        Assert.Contains("ISIC_9999999", ex.Message, StringComparison.Ordinal);
        Assert.Equal("split.txt", ex.FilePath);
    }
}
