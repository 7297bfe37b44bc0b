using System.Globalization;
using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads PH2's clinical diagnosis per case from the table in any of the forms in circulation: the release's
/// <c>PH2_dataset.txt</c> (<c>|| Name || Histological Diagnosis || Clinical Diagnosis || ...</c>, codes 0, 1, 2),
/// the same table tab-, comma- or semicolon-separated, the release's <c>PH2_dataset.xlsx</c> (title rows, then a header
/// <c>Image Name | Histological Diagnosis | Common Nevus | Atypical Nevus | Melanoma | ...</c> with an <c>X</c> under
/// the diagnosis), and that sheet exported as CSV.
/// </summary>
internal static partial class Ph2Table
{
    /// <summary>The table's file names, in the order they are looked for.</summary>
    public static readonly string[] FileNames = ["PH2_dataset.txt", "PH2_dataset.xlsx", "PH2_dataset.csv", "PH2_dataset.tsv"];

    private static readonly string[] NameHeaders = ["Name", "Image Name"];
    private static readonly string[] DiagnosisHeaders = ["Common Nevus", "Atypical Nevus", "Melanoma"];

    /// <summary>Reads the table.</summary>
    /// <param name="path">A <c>.txt</c>, <c>.csv</c>, <c>.tsv</c> or <c>.xlsx</c> file.</param>
    /// <returns>The lesion type (<see cref="Ph2Reader.ClinicalDiagnoses"/>) per case id.</returns>
    /// <exception cref="DatasetException">The file is missing, has no header naming the case and diagnosis columns, or a row's diagnosis is not one of the three.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, "expected the PH2 table (PH2_dataset.txt or .xlsx); got no such file.");
        }

        bool spreadsheet = Path.GetExtension(path).Equals(".xlsx", StringComparison.OrdinalIgnoreCase);
        List<(string Where, string[] Cells)> rows = spreadsheet
            ? [.. XlsxSheet.ReadFirstSheet(path).Select(r => ($"row {r.Row}", r.Cells))]
            : ReadText(path);
        return FromRows(rows, path);
    }

    /// <summary>Finds the table beside a PH2 folder: the first of <see cref="FileNames"/> (any letter case) in the folders given.</summary>
    /// <param name="folders">Folders to look in, in order.</param>
    /// <returns>The table's path, or null.</returns>
    public static string? Find(IEnumerable<string> folders)
    {
        foreach (string folder in folders.Where(Directory.Exists).Distinct(StringComparer.Ordinal))
        {
            string[] files = Directory.GetFiles(folder);
            foreach (string name in FileNames)
            {
                string? match = files.FirstOrDefault(f => Path.GetFileName(f).Equals(name, StringComparison.Ordinal))
                    ?? files.FirstOrDefault(f => Path.GetFileName(f).Equals(name, StringComparison.OrdinalIgnoreCase));
                if (match is not null)
                {
                    return match;
                }
            }
        }

        return null;
    }

    private static List<(string Where, string[] Cells)> ReadText(string path)
    {
        string text = File.ReadAllText(path).TrimStart('\uFEFF');
        string[] lines = text.Split('\n');
        if (lines.Any(l => l.TrimStart().StartsWith("||", StringComparison.Ordinal)))
        {
            // The release's table: every row starts with "||"; the six dermoscopic criteria share one cell split by
            // single bars. Blank cells (most histologies) are kept, so columns never shift.
            var rows = new List<(string Where, string[] Cells)>();
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.StartsWith("||", StringComparison.Ordinal))
                {
                    rows.Add(($"line {i + 1}", [.. line.Split("||").Select(c => c.Trim())]));
                }
            }

            return rows;
        }

        // Delimited text: the delimiter is the one the header line (the first naming a case column) uses most.
        string header = lines.FirstOrDefault(l => l.Contains("name", StringComparison.OrdinalIgnoreCase)) ?? lines[0];
        char delimiter = new[] { '\t', ',', ';' }.MaxBy(d => header.Count(c => c == d));
        return [.. CsvTable.Parse(text, path, delimiter).Select(r => ($"line {r.Line}", r.Fields))];
    }

    private static Dictionary<string, string> FromRows(List<(string Where, string[] Cells)> rows, string path)
    {
        int headerIndex = rows.FindIndex(r => r.Cells.Any(c => NameHeaders.Contains(Normalise(c), StringComparer.OrdinalIgnoreCase)));
        if (headerIndex < 0)
        {
            throw new DatasetException(
                DatasetProblem.MalformedMetadata,
                path,
                $"expected a PH2 table header with a 'Name' (or 'Image Name') column and the clinical diagnosis; got none in {rows.Count} rows{(rows.Count > 0 ? $" (first: [{string.Join(", ", rows[0].Cells.Take(6))}])" : string.Empty)}.");
        }

        string[] header = [.. rows[headerIndex].Cells.Select(Normalise)];
        int nameColumn = Array.FindIndex(header, h => NameHeaders.Contains(h, StringComparer.OrdinalIgnoreCase));
        int[] oneHot = [.. DiagnosisHeaders.Select(d => IndexOf(header, d))];
        int codeColumn = IndexOf(header, "Clinical Diagnosis");
        if (oneHot.Any(c => c < 0) && codeColumn < 0)
        {
            throw new DatasetException(
                DatasetProblem.MalformedMetadata,
                path,
                $"expected a 'Clinical Diagnosis' column (codes 0, 1, 2) or columns 'Common Nevus', 'Atypical Nevus' and 'Melanoma' (marked X) in the header on {rows[headerIndex].Where}; got columns [{string.Join(", ", rows[headerIndex].Cells.Where(c => c.Trim().Length > 0).Select(c => c.Trim()))}].");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string where, string[] cells) in rows.Skip(headerIndex + 1))
        {
            string id = Cell(cells, nameColumn);
            if (!CaseId().IsMatch(id))
            {
                continue; // blank lines, legends, notes under the table
            }

            string diagnosis = oneHot.All(c => c >= 0) ? FromMarks(cells, oneHot, id, where, path) : FromCode(Cell(cells, codeColumn), id, where, path);
            if (!map.TryAdd(id, diagnosis))
            {
                throw new DatasetException(DatasetProblem.DuplicateId, path, $"expected each case once in the PH2 table; got {id} again on {where}.");
            }
        }

        if (map.Count == 0)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected rows of cases IMDnnn under the header on {rows[headerIndex].Where}; got none.");
        }

        return map;
    }

    private static string FromCode(string code, string id, string where, string path)
    {
        if (double.TryParse(code, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is 0 or 1 or 2)
        {
            return Ph2Reader.ClinicalDiagnoses[(int)value];
        }

        int named = IndexOf(DiagnosisHeaders, Normalise(code));
        return named >= 0
            ? Ph2Reader.ClinicalDiagnoses[named]
            : throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a clinical diagnosis 0, 1 or 2 for {id} on {where}; got '{code}'.");
    }

    private static string FromMarks(string[] cells, int[] columns, string id, string where, string path)
    {
        int marked = -1;
        for (int i = 0; i < columns.Length; i++)
        {
            string mark = Cell(cells, columns[i]);
            if (mark.Length == 0)
            {
                continue;
            }

            if (!mark.Equals("X", StringComparison.OrdinalIgnoreCase))
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected 'X' or an empty cell under '{DiagnosisHeaders[i]}' for {id} on {where}; got '{mark}'.");
            }

            if (marked >= 0)
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected one clinical diagnosis marked X for {id} on {where}; got both '{DiagnosisHeaders[marked]}' and '{DiagnosisHeaders[i]}'.");
            }

            marked = i;
        }

        return marked >= 0
            ? Ph2Reader.ClinicalDiagnoses[marked]
            : throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected one of 'Common Nevus', 'Atypical Nevus', 'Melanoma' marked X for {id} on {where}; got none.");
    }

    private static int IndexOf(string[] names, string name) => Array.FindIndex(names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string Cell(string[] cells, int column) => column >= 0 && column < cells.Length ? cells[column].Trim() : string.Empty;

    /// <summary>Header text without surrounding space or the line breaks spreadsheet headers carry (compared without case).</summary>
    private static string Normalise(string cell) => WhiteSpace().Replace(cell.Trim(), " ");

    [GeneratedRegex(@"^IMD\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex CaseId();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhiteSpace();
}
