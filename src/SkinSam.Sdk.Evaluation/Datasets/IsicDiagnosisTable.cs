using System.Globalization;
using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads lesion types from the classification ground truth that ISIC releases ship beside the segmentation task:
/// 2016's <c>ISBI2016_ISIC_Part3_*_GroundTruth.csv</c> (no header; <c>benign</c>/<c>malignant</c> or 0/1),
/// 2017's <c>ISIC-2017_*_Part3_GroundTruth.csv</c> (<c>image_id,melanoma,seborrheic_keratosis</c>),
/// 2018's and 2019's Task 3 CSV (<c>image,MEL,NV,BCC,...</c>, one column marked 1) and a HAM10000-style
/// <c>image_id,dx</c> file.
/// </summary>
/// <remarks>Other CSVs (clinical metadata such as 2017's <c>_metadata.csv</c>) are not diagnoses and are skipped.</remarks>
internal static partial class IsicDiagnosisTable
{
    /// <summary>Reads every diagnosis CSV directly in a folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The lesion type per image id (2016: <c>benign</c>/<c>malignant</c>; 2017: <c>melanoma</c>, <c>seborrheic-keratosis</c>, <c>nevus</c>; Task 3: the column's name in lower case, e.g. <c>mel</c>).</returns>
    /// <exception cref="DatasetException">A diagnosis CSV has a value other than 0 and 1, or no class marked.</exception>
    public static Dictionary<string, string> ReadFolder(string folder)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            List<(int Line, string[] Fields)> records = CsvTable.Parse(File.ReadAllText(path).TrimStart('\uFEFF'), path, ',');
            if (records.Count == 0)
            {
                continue;
            }

            string[] header = [.. records[0].Fields.Select(f => f.Trim())];
            if (IsicId().IsMatch(header[0]))
            {
                if (header.Length == 2)
                {
                    Read2016(records, path, map);
                }

                continue;
            }

            int id = Array.FindIndex(header, h => h is "image_id" or "image");
            if (id < 0)
            {
                continue;
            }

            int dx = Array.IndexOf(header, "dx");
            int melanoma = Array.IndexOf(header, "melanoma");
            int keratosis = Array.IndexOf(header, "seborrheic_keratosis");
            if (dx >= 0)
            {
                ReadRows(records, path, id, map, (row, _) => Field(row, dx));
            }
            else if (melanoma >= 0 && keratosis >= 0)
            {
                ReadRows(records, path, id, map, (row, line) =>
                    (Flag(row, melanoma, header, path, line), Flag(row, keratosis, header, path, line)) switch
                    {
                        (true, true) => throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected melanoma and seborrheic_keratosis not both 1 on line {line}; got both."),
                        (true, false) => "melanoma",
                        (false, true) => "seborrheic-keratosis",
                        _ => "nevus",
                    });
            }
            else if (header[id] == "image" && header.Length > 2)
            {
                int[] classes = [.. Enumerable.Range(0, header.Length).Where(c => c != id && header[c].Length > 0)];
                ReadRows(records, path, id, map, (row, line) =>
                {
                    int[] marked = [.. classes.Where(c => Flag(row, c, header, path, line))];
                    return marked.Length == 1
                        ? header[marked[0]].ToLowerInvariant()
                        : throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected exactly one of {string.Join(", ", classes.Select(c => header[c]))} marked 1 on line {line}; got {marked.Length}.");
                });
            }
        }

        return map;
    }

    private static void Read2016(List<(int Line, string[] Fields)> records, string path, Dictionary<string, string> map)
    {
        foreach ((int line, string[] fields) in records)
        {
            string value = Field(fields, 1);
            string type = value switch
            {
                "benign" or "0" or "0.0" => "benign",
                "malignant" or "1" or "1.0" => "malignant",
                _ => throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected benign, malignant, 0 or 1 for {Field(fields, 0)} on line {line}; got '{value}'."),
            };
            map.TryAdd(Field(fields, 0), type);
        }
    }

    private static void ReadRows(List<(int Line, string[] Fields)> records, string path, int idColumn, Dictionary<string, string> map, Func<string[], int, string> lesionType)
    {
        foreach ((int line, string[] fields) in records.Skip(1))
        {
            string id = Field(fields, idColumn);
            if (id.Length == 0)
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected an image id in column {idColumn + 1} on line {line}; got an empty field.");
            }

            map.TryAdd(id, lesionType(fields, line));
        }
    }

    private static bool Flag(string[] row, int column, string[] header, string path, int line)
    {
        string value = Field(row, column);
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is 0 or 1
            ? v == 1
            : throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected 0 or 1 under '{header[column]}' on line {line}; got '{value}'.");
    }

    private static string Field(string[] row, int column) => column < row.Length ? row[column].Trim() : string.Empty;

    [GeneratedRegex(@"^ISIC_\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IsicId();
}
