using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads PH2 (Mendonça et al. 2013): <c>PH2 Dataset images/IMDnnn/IMDnnn_Dermoscopic_Image/IMDnnn.bmp</c> with the mask
/// <c>IMDnnn_lesion/IMDnnn_lesion.bmp</c>, and the clinical diagnosis from the table in <c>PH2_dataset.txt</c>
/// (0, 1, 2 = <c>common-nevus</c>, <c>atypical-nevus</c>, <c>melanoma</c>).
/// </summary>
/// <remarks>
/// The root may be the release folder (holding <c>PH2 Dataset images</c> and <c>PH2_dataset.txt</c>) or the images
/// folder itself, with <c>PH2_dataset.txt</c> beside it or in it. Without the text file, lesion types are null.
/// </remarks>
public sealed partial class Ph2Reader : IDatasetReader
{
    /// <summary>The lesion type names of PH2's clinical diagnosis codes 0, 1 and 2.</summary>
    public static IReadOnlyList<string> ClinicalDiagnoses { get; } = ["common-nevus", "atypical-nevus", "melanoma"];

    /// <summary>Creates the reader; nothing is read until <see cref="ReadSamples"/>.</summary>
    /// <param name="root">The PH2 folder.</param>
    public Ph2Reader(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <inheritdoc/>
    public string Name => "ph2";

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public IEnumerable<DatasetSample> ReadSamples()
    {
        SamplePairing.RequireFolder(Root, "a PH2 folder");
        string imagesRoot = Path.Combine(Root, "PH2 Dataset images");
        if (!Directory.Exists(imagesRoot))
        {
            imagesRoot = Root;
        }

        string? table = new[] { Path.Combine(Root, "PH2_dataset.txt"), Path.Combine(imagesRoot, "PH2_dataset.txt"), Path.Combine(Path.GetDirectoryName(Root) ?? Root, "PH2_dataset.txt") }
            .FirstOrDefault(File.Exists);
        IReadOnlyDictionary<string, string> diagnoses = table is null ? new Dictionary<string, string>() : ReadDiagnoses(table);

        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string caseFolder in Directory.EnumerateDirectories(imagesRoot))
        {
            string id = Path.GetFileName(caseFolder);
            if (!CaseId().IsMatch(id))
            {
                continue;
            }

            string image = Path.Combine(caseFolder, id + "_Dermoscopic_Image", id + ".bmp");
            if (!File.Exists(image))
            {
                throw new DatasetException(DatasetProblem.MissingFile, image, $"expected the dermoscopic image of case {id}; got no such file.");
            }

            SamplePairing.AddUnique(images, id, image);
        }

        if (images.Count == 0)
        {
            throw new DatasetException(DatasetProblem.MissingFile, imagesRoot, "expected case folders IMDnnn; got none.");
        }

        return SamplePairing.Pair(
            images,
            id =>
            {
                string mask = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(images[id])!)!, id + "_lesion", id + "_lesion.bmp");
                return File.Exists(mask) ? mask : null;
            },
            id => diagnoses.GetValueOrDefault(id),
            id => $"'{id}_lesion/{id}_lesion.bmp' in the case folder");
    }

    /// <summary>Parses the table of <c>PH2_dataset.txt</c>: rows <c>|| IMDnnn || ... ||</c> under a header naming <c>Clinical Diagnosis</c>.</summary>
    /// <param name="path">The text file.</param>
    /// <returns>Lesion type per image id.</returns>
    /// <exception cref="DatasetException">The file has no such header, or a row has a code other than 0, 1, 2.</exception>
    internal static IReadOnlyDictionary<string, string> ReadDiagnoses(string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        int column = -1;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (!trimmed.StartsWith("||", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = [.. trimmed.Split("||").Select(c => c.Trim())];
            if (column < 0)
            {
                column = Array.FindIndex(cells, c => c.Equals("Clinical Diagnosis", StringComparison.OrdinalIgnoreCase));
                continue;
            }

            string id = cells.Length > 1 ? cells[1] : string.Empty;
            if (!CaseId().IsMatch(id))
            {
                continue;
            }

            string code = column < cells.Length ? cells[column] : string.Empty;
            if (code.Length != 1 || code[0] < '0' || code[0] > '2')
            {
                throw new DatasetException(DatasetProblem.MalformedMetadata, path, $"expected a clinical diagnosis 0, 1 or 2 for {id} on line {lineNumber}; got '{code}'.");
            }

            map[id] = ClinicalDiagnoses[code[0] - '0'];
        }

        if (column < 0)
        {
            throw new DatasetException(DatasetProblem.MalformedMetadata, path, "expected a table header row '|| Name || ... || Clinical Diagnosis || ...'; got none.");
        }

        return map;
    }

    [GeneratedRegex(@"^IMD\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex CaseId();
}
