using System.Reflection;
using System.Text.RegularExpressions;
using SkinSam.Sdk.ImageSharp;

namespace SkinSam.Sdk.Reliability.Tests.ErrorCatalogue;

/// <summary>
/// docs/errors.md cannot rot: every row names an exception type that exists and at least one test, and every named test
/// is a test method that exists in this assembly, in SkinSam.Sdk.Tests or in SkinSam.Sdk.ImageSharp.Tests.
/// </summary>
public sealed partial class ErrorCatalogueTests
{
    private static readonly Assembly[] TestAssemblies = [typeof(ErrorCatalogueTests).Assembly, typeof(SkinSam.Sdk.Tests.Onnx.SamOnnxModelLoadTests).Assembly, typeof(SkinSam.Sdk.ImageSharp.Tests.ImageFileTests).Assembly];
    private static readonly Assembly[] ExceptionAssemblies = [typeof(SkinSamException).Assembly, typeof(ImageDecodeException).Assembly, typeof(ArgumentException).Assembly, typeof(FileNotFoundException).Assembly];

    [Fact]
    public void Catalogue_EveryRow_NamesAnExistingExceptionAndExistingTests()
    {
        List<string[]> rows = ReadRows();
        Assert.True(rows.Count >= 30, $"Expected the catalogue to hold at least 30 cases; got {rows.Count}.");
        var problems = new List<string>();
        foreach (string[] cells in rows)
        {
            string label = cells[0];
            string[] exceptions = Quoted(cells[1]).ToArray();
            if (exceptions.Length == 0 && !cells[1].Contains("none", StringComparison.Ordinal))
            {
                problems.Add($"{label}: expected an exception type in backticks or 'none'; got '{cells[1]}'.");
            }

            foreach (string name in exceptions)
            {
                Type? type = ExceptionAssemblies.SelectMany(a => a.GetExportedTypes()).FirstOrDefault(t => t.Name == name);
                if (type is null || !typeof(Exception).IsAssignableFrom(type))
                {
                    problems.Add($"{label}: expected an exception type; got '{name}'.");
                }
            }

            string[] tests = Quoted(cells[3]).ToArray();
            if (tests.Length == 0)
            {
                problems.Add($"{label}: expected at least one test; got none.");
            }

            foreach (string test in tests)
            {
                if (FindTest(test) is null)
                {
                    problems.Add($"{label}: expected a test method {test}; got none in {string.Join(", ", TestAssemblies.Select(a => a.GetName().Name))}.");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Catalogue_EverySdkExceptionType_HasARow()
    {
        HashSet<string> named = [.. ReadRows().SelectMany(cells => Quoted(cells[1]))];
        string[] missing =
        [
            .. new[] { typeof(SkinSamException).Assembly, typeof(ImageDecodeException).Assembly }
                .SelectMany(a => a.GetExportedTypes())
                .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(SkinSamException) && !named.Contains(t.Name))
                .Select(t => t.FullName!)
                .Order(StringComparer.Ordinal),
        ];
        Assert.True(missing.Length == 0, $"Expected a docs/errors.md row for every exception the SDK throws; got none for {string.Join(", ", missing)}.");
    }

    [Fact]
    public void FindTest_UnknownName_ReturnsNull()
    {
        Assert.Null(FindTest("SkinSam.Sdk.Reliability.Tests.ErrorCatalogue.ErrorCatalogueTests.No_Such_Test"));
        Assert.Null(FindTest("SkinSam.Sdk.Reliability.Tests.ErrorCatalogue.ErrorCatalogueTests.ReadRows"));
        Assert.NotNull(FindTest("SkinSam.Sdk.Reliability.Tests.ErrorCatalogue.ErrorCatalogueTests.FindTest_UnknownName_ReturnsNull"));
    }

    private static MethodInfo? FindTest(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        if (dot < 0)
        {
            return null;
        }

        string typeName = fullName[..dot];
        string method = fullName[(dot + 1)..];
        Type? type = TestAssemblies.Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        return type?.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == method && m.GetCustomAttributes<FactAttribute>(inherit: true).Any());
    }

    private static List<string[]> ReadRows()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "docs", "errors.md");
        var rows = new List<string[]>();
        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal) || line.StartsWith("| Case", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = SplitRow(line);
            Assert.True(cells.Length == 4, $"Expected 4 cells (case, exception, message, test) in errors.md; got {cells.Length} in: {line}");
            rows.Add(cells);
        }

        return rows;
    }

    /// <summary>Splits a Markdown table row on '|' outside backticks (messages may hold a '|').</summary>
    private static string[] SplitRow(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool code = false;
        foreach (char c in line.Trim().Trim('|'))
        {
            if (c == '`')
            {
                code = !code;
            }

            if (c == '|' && !code)
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }

    private static IEnumerable<string> Quoted(string cell) => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
