using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Evaluation.Datasets;

/// <summary>
/// Reads PH2 (Mendonça et al. 2013) as users have it: the release layout
/// <c>PH2 Dataset images/IMDnnn/IMDnnn_Dermoscopic_Image/IMDnnn.bmp</c> with the mask
/// <c>IMDnnn_lesion/IMDnnn_lesion.bmp</c>, or a flat folder of <c>IMDnnn.bmp</c> and <c>IMDnnn_lesion.bmp</c>
/// (any image format), with the clinical diagnosis (<c>common-nevus</c>, <c>atypical-nevus</c>, <c>melanoma</c>) from
/// the table when one is found.
/// </summary>
/// <remarks>
/// The root may be the release folder (holding <c>PH2 Dataset images</c>), the images folder itself, or a flat folder.
/// The table is the first of <c>PH2_dataset.txt</c>, <c>PH2_dataset.xlsx</c>, <c>PH2_dataset.csv</c>,
/// <c>PH2_dataset.tsv</c> in the root, the images folder or the root's parent; the text forms may be the release's
/// <c>||</c> table or the same columns tab-, comma- or semicolon-separated, and the clinical diagnosis may be a code
/// 0, 1, 2 under <c>Clinical Diagnosis</c> or an <c>X</c> under <c>Common Nevus</c>, <c>Atypical Nevus</c> or
/// <c>Melanoma</c> (the spreadsheet's form). Without a table, lesion types are null; a case missing from the table has
/// a null lesion type.
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

        string? table = Ph2Table.Find([Root, imagesRoot, Path.GetDirectoryName(Root) ?? Root]);
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

        if (images.Count > 0)
        {
            return SamplePairing.Pair(
                images,
                id =>
                {
                    string mask = CaseMaskPath(images[id], id);
                    return File.Exists(mask) ? mask : null;
                },
                id => diagnoses.GetValueOrDefault(id),
                id => CaseMaskPath(images[id], id));
        }

        // A flat folder: IMDnnn.<ext> images, IMDnnn_lesion.<ext> masks.
        var masks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(imagesRoot).Where(SamplePairing.IsImageFile).Order(StringComparer.Ordinal))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            if (CaseId().IsMatch(stem))
            {
                SamplePairing.AddUnique(images, stem, file);
            }
            else if (stem.EndsWith("_lesion", StringComparison.Ordinal) && CaseId().IsMatch(stem[..^"_lesion".Length]))
            {
                masks.TryAdd(stem[..^"_lesion".Length], file);
            }
        }

        if (images.Count == 0)
        {
            throw new DatasetException(
                DatasetProblem.MissingFile,
                imagesRoot,
                "expected PH2 case folders IMDnnn (the release's 'PH2 Dataset images') or a flat folder of IMDnnn.bmp with IMDnnn_lesion.bmp; got neither.");
        }

        return SamplePairing.Pair(
            images,
            id => masks.GetValueOrDefault(id),
            id => diagnoses.GetValueOrDefault(id),
            id => Path.Combine(imagesRoot, id + "_lesion.bmp"));
    }

    /// <summary>The lesion mask of a case folder: <c>IMDnnn/IMDnnn_lesion/IMDnnn_lesion.bmp</c>, next to the image's folder.</summary>
    private static string CaseMaskPath(string imagePath, string id) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(imagePath)!)!, id + "_lesion", id + "_lesion.bmp");

    /// <summary>Reads the clinical diagnosis per case from a PH2 table in any of its forms (see the remarks of <see cref="Ph2Reader"/>).</summary>
    /// <param name="path">The <c>.txt</c>, <c>.csv</c>, <c>.tsv</c> or <c>.xlsx</c> file.</param>
    /// <returns>Lesion type per image id.</returns>
    /// <exception cref="DatasetException">The file has no header naming the case and diagnosis columns, or a row's diagnosis is not one of the three.</exception>
    internal static IReadOnlyDictionary<string, string> ReadDiagnoses(string path) => Ph2Table.Read(path);

    [GeneratedRegex(@"^IMD\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex CaseId();
}
