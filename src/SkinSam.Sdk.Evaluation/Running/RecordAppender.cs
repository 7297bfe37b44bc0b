using System.Text;

namespace SkinSam.Sdk.Evaluation.Running;

/// <summary>Appends records to <c>records.jsonl</c> from many threads, each line written whole and flushed before the next.</summary>
internal sealed class RecordAppender : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _lock = new();

    public RecordAppender(string path)
    {
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public void Append(EvaluationRecord record)
    {
        byte[] line = Encoding.UTF8.GetBytes(RecordsFile.ToLine(record) + "\n");
        lock (_lock)
        {
            _stream.Write(line);
            _stream.Flush(flushToDisk: false);
        }
    }

    public void Dispose() => _stream.Dispose();
}
