namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Another reader's samples restricted to a set of ids (e.g. from <see cref="IdListFile"/>). Asking for an id the data
/// set does not have is an error, raised once the underlying samples are exhausted, so a wrong split list cannot pass
/// unnoticed.
/// </summary>
public sealed class FilteredDatasetReader : IDatasetReader
{
    private readonly IDatasetReader _inner;
    private readonly HashSet<string> _ids;

    /// <summary>Creates the filter.</summary>
    /// <param name="inner">The data set.</param>
    /// <param name="ids">The ids to keep.</param>
    /// <param name="source">Where the ids came from, for error messages (e.g. the id file).</param>
    public FilteredDatasetReader(IDatasetReader inner, IEnumerable<string> ids, string source = "the id filter")
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(ids);
        _inner = inner;
        _ids = new HashSet<string>(ids, StringComparer.Ordinal);
        Source = source;
    }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public string Root => _inner.Root;

    /// <summary>Where the ids came from.</summary>
    public string Source { get; }

    /// <summary>Number of ids kept.</summary>
    public int IdCount => _ids.Count;

    /// <inheritdoc/>
    public IEnumerable<DatasetSample> ReadSamples()
    {
        IEnumerable<DatasetSample> inner = _inner.ReadSamples();
        return Filter(inner);
    }

    private IEnumerable<DatasetSample> Filter(IEnumerable<DatasetSample> inner)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetSample sample in inner)
        {
            if (_ids.Contains(sample.Id))
            {
                found.Add(sample.Id);
                yield return sample;
            }
        }

        if (found.Count < _ids.Count)
        {
            string[] missing = [.. _ids.Where(id => !found.Contains(id)).Order(StringComparer.Ordinal)];
            throw new DatasetException(
                DatasetProblem.UnknownId,
                Source,
                $"expected every id to be in the data set at {Root}; got {missing.Length} that are not: {string.Join(", ", missing.Take(5))}{(missing.Length > 5 ? ", ..." : string.Empty)}.");
        }
    }
}
