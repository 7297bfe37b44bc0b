using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>
/// The per-image records of a run, <c>records.jsonl</c>: one JSON object per line, appended and flushed one line at a
/// time, so an interrupted run leaves complete lines and at most one partial last line, which reading discards.
/// </summary>
public static class RecordsFile
{
    /// <summary>The file name in an output folder.</summary>
    public const string FileName = "records.jsonl";

    /// <summary>The JSON settings of records: snake_case names from attributes, infinities as "Infinity".</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Serialises one record as one line (no newline).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The JSON text.</returns>
    public static string ToLine(EvaluationRecord record) => JsonSerializer.Serialize(record, JsonOptions);

    /// <summary>
    /// Reads the records of a file. A last line without its newline is a partial write and is discarded; with
    /// <paramref name="repair"/> the file is also cut back to its last complete line so appending can continue.
    /// </summary>
    /// <param name="path">The file; a missing file has no records.</param>
    /// <param name="repair">Truncate a partial last line in place.</param>
    /// <returns>The records in file order.</returns>
    /// <exception cref="EvaluationOutputException">A complete line is not a valid record.</exception>
    public static IReadOnlyList<EvaluationRecord> Read(string path, bool repair = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            return [];
        }

        byte[] bytes = File.ReadAllBytes(path);
        int complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (repair && complete < bytes.Length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            stream.SetLength(complete);
            stream.Flush(flushToDisk: true);
        }

        var records = new List<EvaluationRecord>();
        string text = Encoding.UTF8.GetString(bytes, 0, complete);
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                EvaluationRecord record = JsonSerializer.Deserialize<EvaluationRecord>(line, JsonOptions)
                    ?? throw new EvaluationOutputException($"{path}: expected a record object on line {lineNumber}; got null.");
                records.Add(record);
            }
            catch (JsonException ex)
            {
                throw new EvaluationOutputException($"{path}: expected a JSON record on line {lineNumber}; got invalid JSON ({ex.Message}).", ex);
            }
        }

        return records;
    }

    /// <summary>Writes records atomically, one per line (for merges and rewrites).</summary>
    /// <param name="path">The file.</param>
    /// <param name="records">The records.</param>
    public static void WriteAll(string path, IEnumerable<EvaluationRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builder = new StringBuilder();
        foreach (EvaluationRecord record in records)
        {
            builder.Append(ToLine(record)).Append('\n');
        }

        SkinSam.Sdk.ImageSharp.AtomicFile.WriteAllText(path, builder.ToString());
    }
}
