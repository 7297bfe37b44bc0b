using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads the cell text of the first worksheet of an Office Open XML workbook (<c>.xlsx</c>): the zip's
/// <c>xl/workbook.xml</c>, its relationships, <c>xl/sharedStrings.xml</c> and the sheet's XML. Values are read as
/// stored (numbers in their invariant text form); styles, formulas and merged ranges are ignored.
/// </summary>
internal static class XlsxSheet
{
    /// <summary>A part larger than this, uncompressed, is refused (a metadata sheet is kilobytes; this stops zip bombs).</summary>
    private const long MaxPartBytes = 64L * 1024 * 1024;

    /// <summary>Excel's column limit (XFD).</summary>
    private const int MaxColumns = 16_384;

    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>Reads the rows of the first sheet; missing cells are empty strings.</summary>
    /// <param name="path">The workbook.</param>
    /// <returns>Rows in sheet order, each with its 1-based row number.</returns>
    /// <exception cref="DatasetException">The file is not a readable workbook.</exception>
    public static List<(int Row, string[] Cells)> ReadFirstSheet(string path)
    {
        string part = "the zip directory";
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(path);
            part = "xl/workbook.xml";
            string sheetPart = FirstSheetPart(zip, path);
            part = "xl/sharedStrings.xml";
            List<string> shared = zip.GetEntry(part) is { } sharedEntry ? ReadSharedStrings(sharedEntry, path) : [];
            part = sheetPart;
            ZipArchiveEntry sheet = zip.GetEntry(sheetPart)
                ?? throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected the worksheet part '{sheetPart}' named by the workbook; got no such entry in the zip.");
            return ReadRows(sheet, shared, path);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected an Office Open XML workbook (a zip); got {ex.GetType().Name} reading {part}: {ex.Message}", ex);
        }
        catch (XmlException ex)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected well-formed XML in {part}; got {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException(DatasetProblem.UnreadableFile, path, $"expected a readable workbook; got {ex.GetType().Name} reading {part}: {ex.Message}", ex);
        }
    }

    private static string FirstSheetPart(ZipArchive zip, string path)
    {
        ZipArchiveEntry workbook = zip.GetEntry("xl/workbook.xml")
            ?? throw new DatasetException(DatasetProblem.MalformedMetadata, path, "expected an .xlsx workbook with the part xl/workbook.xml; got a zip without it.");
        string? relationshipId = null;
        using (XmlReader reader = Open(workbook, path))
        {
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "sheet" && reader.NamespaceURI == MainNamespace)
                {
                    relationshipId = reader.GetAttribute("id", RelationshipNamespace);
                    break;
                }
            }
        }

        if (relationshipId is null)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, "expected at least one <sheet> with an r:id in xl/workbook.xml; got none.");
        }

        ZipArchiveEntry? rels = zip.GetEntry("xl/_rels/workbook.xml.rels");
        if (rels is not null)
        {
            using XmlReader reader = Open(rels, path);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && reader.GetAttribute("Id") == relationshipId)
                {
                    string target = reader.GetAttribute("Target") ?? string.Empty;
                    return target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
                }
            }
        }

        throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected xl/_rels/workbook.xml.rels to name the part of sheet '{relationshipId}'; got no such relationship.");
    }

    private static List<string> ReadSharedStrings(ZipArchiveEntry entry, string path)
    {
        var strings = new List<string>();
        var text = new StringBuilder();
        using XmlReader reader = Open(entry, path);
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si")
            {
                strings.Add(ReadText(reader.ReadSubtree(), text));
                reader.Skip();
            }
            else
            {
                reader.Read();
            }
        }

        return strings;
    }

    /// <summary>The concatenated <c>&lt;t&gt;</c> text of a string item or inline string, without phonetic runs.</summary>
    private static string ReadText(XmlReader subtree, StringBuilder text)
    {
        text.Clear();
        using (subtree)
        {
            subtree.Read();
            while (!subtree.EOF)
            {
                if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "rPh")
                {
                    subtree.Skip();
                }
                else if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "t")
                {
                    text.Append(subtree.ReadElementContentAsString());
                }
                else
                {
                    subtree.Read();
                }
            }
        }

        return text.ToString();
    }

    private static List<(int Row, string[] Cells)> ReadRows(ZipArchiveEntry entry, List<string> shared, string path)
    {
        var rows = new List<(int Row, string[] Cells)>();
        var cells = new List<string>();
        var text = new StringBuilder();
        int rowNumber = 0;
        using XmlReader reader = Open(entry, path);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "row")
            {
                rowNumber = int.TryParse(reader.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out int r) ? r : rowNumber + 1;
                cells.Clear();
                if (reader.IsEmptyElement)
                {
                    rows.Add((rowNumber, []));
                    continue;
                }

                using XmlReader row = reader.ReadSubtree();
                row.Read();
                while (row.Read())
                {
                    if (row.NodeType == XmlNodeType.Element && row.LocalName == "c")
                    {
                        int column = ColumnIndex(row.GetAttribute("r"), cells.Count, path);
                        string? type = row.GetAttribute("t");
                        string value = row.IsEmptyElement ? string.Empty : ReadCell(row.ReadSubtree(), type, shared, text, path);
                        while (cells.Count < column)
                        {
                            cells.Add(string.Empty);
                        }

                        if (column < cells.Count)
                        {
                            cells[column] = value;
                        }
                        else
                        {
                            cells.Add(value);
                        }
                    }
                }

                rows.Add((rowNumber, [.. cells]));
            }
        }

        return rows;
    }

    private static string ReadCell(XmlReader subtree, string? type, List<string> shared, StringBuilder text, string path)
    {
        string? value = null;
        string? inline = null;
        using (subtree)
        {
            subtree.Read();
            while (!subtree.EOF)
            {
                if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "v")
                {
                    value = subtree.ReadElementContentAsString();
                }
                else if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "is")
                {
                    inline = ReadText(subtree.ReadSubtree(), text);
                    subtree.Skip();
                }
                else
                {
                    subtree.Read();
                }
            }
        }

        switch (type)
        {
            case "s":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= shared.Count)
                {
                    throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a shared string index below {shared.Count}; got '{value}'.");
                }

                return shared[index];
            case "inlineStr":
                return inline ?? string.Empty;
            case "b":
                return value == "1" ? "TRUE" : "FALSE";
            default:
                return value ?? string.Empty;
        }
    }

    /// <summary>The 0-based column of a cell reference such as <c>C13</c>; without a reference, the next column.</summary>
    private static int ColumnIndex(string? reference, int next, string path)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return next;
        }

        int column = 0;
        int i = 0;
        for (; i < reference.Length && char.IsAsciiLetter(reference[i]); i++)
        {
            column = (column * 26) + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
            if (column > MaxColumns)
            {
                break;
            }
        }

        if (i == 0 || column > MaxColumns)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a cell reference such as C13 (columns A to XFD); got '{reference}'.");
        }

        return column - 1;
    }

    private static XmlReader Open(ZipArchiveEntry entry, string path)
    {
        if (entry.Length > MaxPartBytes)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a workbook part of at most {MaxPartBytes} bytes; got {entry.FullName} of {entry.Length} bytes uncompressed.");
        }

        return XmlReader.Create(entry.Open(), Settings);
    }
}
