using System.IO.Compression;
using SkinSam.Sdk.Evaluation.Datasets;
using SkinSam.Sdk.Masks;

namespace SkinSam.Sdk.Evaluation.Tests.Datasets;

/// <summary>The PH2 reader on the committed samples (TestData/datasets, real HAM10000 images in PH2's layouts) and on the table forms in circulation.</summary>
public sealed class Ph2ReaderSampleTests
{
    private static readonly string[] Ids = ["IMD002", "IMD003", "IMD010"];
    private static readonly string[] Diagnoses = ["atypical-nevus", "common-nevus", "melanoma"];

    [Fact]
    public void ReadSamples_ReleaseLayout_ReadsCasesMasksAndPipeTableDiagnoses()
    {
        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Ph2, SampleData.Path("ph2-release", "PH2Dataset")).ReadSamples()];

        Assert.Equal(Ids, samples.Select(s => s.Id));
        Assert.Equal(Diagnoses, samples.Select(s => s.LesionType));
        Assert.EndsWith(Path.Combine("IMD010", "IMD010_Dermoscopic_Image", "IMD010.bmp"), samples[2].ImagePath, StringComparison.Ordinal);
        SampleData.AssertMasksFitImages(samples);
    }

    [Fact]
    public void ReadSamples_ImagesFolderAsRoot_FindsTheTableInTheParent()
    {
        List<DatasetSample> samples = [.. new Ph2Reader(SampleData.Path("ph2-release", "PH2Dataset", "PH2 Dataset images")).ReadSamples()];

        Assert.Equal(Ids, samples.Select(s => s.Id));
        Assert.Equal(Diagnoses, samples.Select(s => s.LesionType));
    }

    [Fact]
    public void ReadSamples_FlatFolderWithSpreadsheet_ReadsPairsAndXMarkedDiagnoses()
    {
        List<DatasetSample> samples = [.. new Ph2Reader(SampleData.Path("ph2-flat")).ReadSamples()];

        Assert.Equal(Ids, samples.Select(s => s.Id));
        Assert.Equal(Diagnoses, samples.Select(s => s.LesionType));
        Assert.Equal(SampleData.Path("ph2-flat", "IMD002_lesion.bmp"), samples[0].MaskPath);
        SampleData.AssertMasksFitImages(samples);
    }

    [Theory]
    [InlineData("pipe.txt", "PH2_dataset.txt")]
    [InlineData("tab.txt", "PH2_dataset.txt")]
    [InlineData("comma.txt", "PH2_dataset.txt")]
    [InlineData("exported.csv", "PH2_dataset.csv")]
    [InlineData("spreadsheet.xlsx", "PH2_dataset.xlsx")]
    [InlineData("spreadsheet-shared-strings.xlsx", "PH2_dataset.xlsx")]
    public void ReadSamples_FlatFolderWithEachTableForm_ReadsTheSameDiagnoses(string table, string asName)
    {
        using var temp = new TempFolder();
        SampleData.CopyImages("ph2-flat", temp.Path);
        File.Copy(SampleData.Path("ph2-tables", table), Path.Combine(temp.Path, asName));

        List<DatasetSample> samples = [.. DatasetReaders.Open(DatasetLayout.Ph2, temp.Path).ReadSamples()];

        Assert.Equal(Ids, samples.Select(s => s.Id));
        Assert.Equal(Diagnoses, samples.Select(s => s.LesionType));
    }

    [Fact]
    public void ReadSamples_FlatFolderWithoutTable_LesionTypesAreNull()
    {
        using var temp = new TempFolder();
        SampleData.CopyImages("ph2-flat", temp.Path);

        List<DatasetSample> samples = [.. new Ph2Reader(temp.Path).ReadSamples()];

        Assert.Equal(Ids, samples.Select(s => s.Id));
        Assert.All(samples, s => Assert.Null(s.LesionType));
    }

    [Fact]
    public void ReadSamples_FlatFolderMissingALesionMask_ListsTheCaseWithItsExpectedMaskPath()
    {
        using var temp = new TempFolder();
        SampleData.CopyImages("ph2-flat", temp.Path);
        File.Delete(Path.Combine(temp.Path, "IMD003_lesion.bmp"));

        DatasetSample sample = Assert.Single(new Ph2Reader(temp.Path).ReadSamples(), s => s.Id == "IMD003");

        Assert.EndsWith("IMD003.bmp", sample.ImagePath, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(temp.Path, "IMD003_lesion.bmp"), sample.MaskPath);
        var ex = Assert.Throws<DatasetException>(() => GroundTruthFile.Load(sample.MaskPath));
        Assert.Equal(DatasetProblem.MissingMask, ex.Problem);
    }

    [Fact]
    public void ReadSamples_FolderWithoutCases_ThrowsMissingFileNamingBothLayouts()
    {
        using var temp = new TempFolder();
        File.WriteAllText(Path.Combine(temp.Path, "notes.txt"), "x");

        var ex = Assert.Throws<DatasetException>(() => new Ph2Reader(temp.Path).ReadSamples());

        Assert.Equal(DatasetProblem.MissingFile, ex.Problem);
        Assert.Contains("expected PH2 case folders IMDnnn", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IMDnnn_lesion.bmp; got neither", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pipe.txt")]
    [InlineData("tab.txt")]
    [InlineData("comma.txt")]
    [InlineData("exported.csv")]
    [InlineData("spreadsheet.xlsx")]
    [InlineData("spreadsheet-shared-strings.xlsx")]
    public void ReadDiagnoses_EachTableForm_GivesEveryCaseItsClinicalDiagnosis(string table)
    {
        IReadOnlyDictionary<string, string> map = Ph2Reader.ReadDiagnoses(SampleData.Path("ph2-tables", table));

        Assert.Equal(Ids, map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Diagnoses, Ids.Select(id => map[id]));
    }

    [Fact]
    public void ReadDiagnoses_TwoDiagnosesMarked_ThrowsNamingTheCaseAndLine()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["Image Name,Histological Diagnosis,Common Nevus,Atypical Nevus,Melanoma", "IMD002,,X,,", "IMD003,,X,X,"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("expected one clinical diagnosis marked X for IMD003 on line 3; got both 'Common Nevus' and 'Atypical Nevus'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_NoDiagnosisMarked_ThrowsExpectedOneOfTheThree()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["Image Name\tCommon Nevus\tAtypical Nevus\tMelanoma", "IMD002\t\t\t"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("marked X for IMD002 on line 2; got none", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_MarkOtherThanX_ThrowsExpectedXOrEmpty()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.csv");
        File.WriteAllLines(table, ["Image Name,Common Nevus,Atypical Nevus,Melanoma", "IMD002,,yes,"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Contains("expected 'X' or an empty cell under 'Atypical Nevus' for IMD002 on line 2; got 'yes'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_HeaderWithoutDiagnosisColumns_ThrowsListingTheColumns()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["Name\tAsymmetry\tColors", "IMD002\t0\t4"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("expected a 'Clinical Diagnosis' column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got columns [Name, Asymmetry, Colors]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_NoHeaderRow_ThrowsExpectedHeader()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["IMD002,1", "IMD003,0"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Contains("expected a PH2 table header with a 'Name' (or 'Image Name') column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got none in 2 rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_CaseListedTwice_ThrowsDuplicateId()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.txt");
        File.WriteAllLines(table, ["|| Name || Clinical Diagnosis ||", "|| IMD002 || 1 ||", "|| IMD002 || 2 ||"]);

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.DuplicateId, ex.Problem);
        Assert.Contains("got IMD002 again on line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_XlsxWithRichTextRunsAndCellsWithoutReferences_ReadsTheText()
    {
        // As Excel may store it: a shared string in formatted runs with a phonetic run (not part of the text), cells
        // without an r attribute, a number cell for the code.
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.xlsx");
        const string Main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
        WriteWorkbook(table, new Dictionary<string, string>
        {
            ["xl/workbook.xml"] = $"<workbook {Main} xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>",
            ["xl/_rels/workbook.xml.rels"] = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/data.xml\"/></Relationships>",
            ["xl/sharedStrings.xml"] = $"<sst {Main}><si><t>Name</t></si><si><r><rPr><b/></rPr><t>Clinical</t></r><r><t xml:space=\"preserve\"> Diagnosis</t></r></si><si><r><t>IMD</t></r><r><t>010</t></r><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si></sst>",
            ["xl/worksheets/data.xml"] = $"<worksheet {Main}><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c></row><row><c t=\"s\"><v>2</v></c><c><v>2</v></c></row></sheetData></worksheet>",
        });

        IReadOnlyDictionary<string, string> map = Ph2Reader.ReadDiagnoses(table);

        Assert.Equal("melanoma", Assert.Single(map, kv => kv.Key == "IMD010").Value);
    }

    [Fact]
    public void ReadDiagnoses_XlsxSharedStringIndexOutOfRange_ThrowsExpectedIndex()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.xlsx");
        const string Main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
        WriteWorkbook(table, new Dictionary<string, string>
        {
            ["xl/workbook.xml"] = $"<workbook {Main} xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
            ["xl/_rels/workbook.xml.rels"] = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
            ["xl/sharedStrings.xml"] = $"<sst {Main}><si><t>Name</t></si></sst>",
            ["xl/worksheets/sheet1.xml"] = $"<worksheet {Main}><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
        });

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Contains("expected a shared string index below 1; got '5'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_XlsxThatIsNotAZip_ThrowsMalformedMetadata()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.xlsx");
        File.WriteAllText(table, "Image Name,Common Nevus\n");

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("expected an Office Open XML workbook (a zip); got InvalidDataException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_XlsxWithoutWorkbookPart_ThrowsNamingThePart()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.xlsx");
        using (ZipArchive zip = ZipFile.Open(table, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            writer.Write("<document/>");
        }

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Contains("expected an .xlsx workbook with the part xl/workbook.xml; got a zip without it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDiagnoses_XlsxWithTruncatedSheetXml_ThrowsNamingTheSheetPart()
    {
        using var temp = new TempFolder();
        string table = Path.Combine(temp.Path, "PH2_dataset.xlsx");
        File.Copy(SampleData.Path("ph2-tables", "spreadsheet.xlsx"), table);
        using (ZipArchive zip = ZipFile.Open(table, ZipArchiveMode.Update))
        {
            zip.GetEntry("xl/worksheets/sheet1.xml")!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open());
            writer.Write("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\"");
        }

        var ex = Assert.Throws<DatasetException>(() => Ph2Reader.ReadDiagnoses(table));

        Assert.Equal(DatasetProblem.MalformedMetadata, ex.Problem);
        Assert.Contains("expected well-formed XML in xl/worksheets/sheet1.xml; got", ex.Message, StringComparison.Ordinal);
    }

    private static void WriteWorkbook(string path, Dictionary<string, string> parts)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, string xml) in parts)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(xml);
        }
    }
}

/// <summary>The committed layout samples under TestData/datasets (see its README.md).</summary>
internal static class SampleData
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "TestData", "datasets", .. parts]);

    /// <summary>Copies the image files (not the tables) of a sample folder.</summary>
    public static void CopyImages(string sample, string target)
    {
        foreach (string file in Directory.GetFiles(Path(sample), "*.bmp"))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }
    }

    /// <summary>Copies a sample folder tree, leaving out the files whose name ends with one of the given suffixes.</summary>
    public static void CopyTree(string sample, string target, params string[] leaveOut)
    {
        string source = Path(sample);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            if (leaveOut.Any(s => file.EndsWith(s, StringComparison.Ordinal)))
            {
                continue;
            }

            string to = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    /// <summary>Every sample's mask decodes as a binary mask of its image's size with a lesion in it.</summary>
    public static void AssertMasksFitImages(IEnumerable<DatasetSample> samples)
    {
        foreach (DatasetSample sample in samples)
        {
            (int width, int height) = GroundTruthFile.ReadImageSize(sample.ImagePath);
            BinaryMask mask = GroundTruthFile.Load(sample.MaskPath, width, height);
            Assert.InRange(mask.Area, 1, (width * height) - 1);
        }
    }
}
