using System.Text;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>A small RFC 4180 CSV reader for metadata files: a header row, then records; quoted fields may hold commas and quotes.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            _columns.TryAdd(header[i].Trim(), i);
        }
    }

    public string Path { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(DatasetProblem.MissingFile, path, "expected a metadata CSV file; got no such file.");
        }

        string text = File.ReadAllText(path);
        List<string[]> records = [.. Parse(text, path, ',').Select(r => r.Fields)];
        if (records.Count == 0)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, "expected a header row; got an empty file.");
        }

        string[] header = records[0];
        if (header.Length > 0)
        {
            header[0] = header[0].TrimStart('\uFEFF');
        }

        return new CsvTable(path, header, records.GetRange(1, records.Count - 1));
    }

    public int Column(string name)
    {
        if (_columns.TryGetValue(name, out int index))
        {
            return index;
        }

        throw new DatasetException(DatasetProblem.MalformedMetadata, Path, $"expected a column '{name}'; got columns [{string.Join(", ", Header)}].");
    }

    /// <summary>Splits delimited text into records (each with the line it starts on); quoted fields may hold the delimiter, quotes and line breaks.</summary>
    /// <param name="text">The text.</param>
    /// <param name="path">The file, for error messages.</param>
    /// <param name="delimiter">The field delimiter, e.g. a comma or a tab.</param>
    /// <returns>The non-empty records.</returns>
    internal static List<(int Line, string[] Fields)> Parse(string text, string path, char delimiter)
    {
        var records = new List<(int Line, string[] Fields)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int line = 1;
        int recordLine = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRecord();
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a closing quote; got the end of the file in a field starting before line {line}.");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            if (!(fields.Count == 1 && fields[0].Length == 0))
            {
                records.Add((recordLine, [.. fields]));
            }

            fields.Clear();
        }
    }
}
