using System.Text;
using System.Text.RegularExpressions;

namespace SkinSam.Sdk.Tests.Documentation;

/// <summary>
/// The documentation a user reads matches the product: every relative link in README.md, docs/ and the READMEs and
/// model cards that ship resolves to a file in the repository (and, for a link into a Markdown file with a #fragment,
/// to one of its headings); no page points at design files outside the repository or calls a shipped part
/// "in development".
/// </summary>
public sealed partial class DocumentationLinkTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    /// <summary>The pages a user reads: README.md, docs/, and the READMEs and model cards under src, samples, models and tools.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (string page in EnumeratePages())
        {
            data.Add(Path.GetRelativePath(RepositoryRoot, page));
        }

        return data;
    }

    [Fact]
    public void Pages_IncludeTheReadmeAndEveryDocsPage()
    {
        string[] pages = [.. EnumeratePages().Select(p => Path.GetRelativePath(RepositoryRoot, p).Replace('\\', '/'))];
        Assert.Contains("README.md", pages);
        Assert.Contains("docs/errors.md", pages);
        Assert.True(pages.Count(p => p.StartsWith("docs/", StringComparison.Ordinal)) >= 10, $"expected at least 10 pages under docs/; got {string.Join(", ", pages)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_EveryRelativeLink_ResolvesToAFileAndHeading(string page)
    {
        string path = Path.Combine(RepositoryRoot, page);
        string text = File.ReadAllText(path);
        var broken = new List<string>();
        foreach (Match m in MarkdownLink().Matches(StripCode(text)))
        {
            string target = m.Groups["target"].Value.Trim();
            if (target.Length == 0 || target.StartsWith('<') || IsExternal(target))
            {
                continue;
            }

            string file = target;
            string? fragment = null;
            int hash = target.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                file = target[..hash];
                fragment = target[(hash + 1)..];
            }

            string resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file or folder ({Path.GetRelativePath(RepositoryRoot, resolved)})");
                continue;
            }

            if (fragment is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(resolved)
                && !HeadingSlugs(File.ReadAllText(resolved)).Contains(fragment))
            {
                broken.Add($"{target}: {Path.GetRelativePath(RepositoryRoot, resolved)} has no heading '#{fragment}'");
            }
        }

        Assert.True(broken.Count == 0, $"{page}: expected every relative link to resolve; got {broken.Count} broken:\n{string.Join("\n", broken)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_NamesNoDesignFileOutsideTheRepositoryAndNothingInDevelopment(string page)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot, page));
        Assert.DoesNotContain("DESIGN.md", text, StringComparison.Ordinal);
        Assert.DoesNotContain("../shared/DESIGN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("in development", text, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<string> EnumeratePages()
    {
        yield return Path.Combine(RepositoryRoot, "README.md");
        foreach (string f in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return f;
        }

        foreach (string folder in new[] { "src", "samples", "models", "tools", "benchmarks", "fuzz" })
        {
            string root = Path.Combine(RepositoryRoot, folder);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (string f in Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Where(f => Path.GetFileName(f) is "README.md" or "MODEL_CARD.md")
                .Order(StringComparer.Ordinal))
            {
                yield return f;
            }
        }
    }

    private static bool IsExternal(string target) =>
        target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    // Fenced code blocks and inline code hold examples, not links.
    private static string StripCode(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, string.Empty), string.Empty);

    // GitHub's heading anchors: lower case, punctuation other than '-' and '_' removed, spaces to '-'; repeats get -1, -2.
    private static HashSet<string> HeadingSlugs(string markdown)
    {
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Heading().Matches(FencedCode().Replace(markdown, string.Empty)))
        {
            var sb = new StringBuilder();
            foreach (char c in m.Groups["title"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    sb.Append(c);
                }
                else if (c == ' ')
                {
                    sb.Append('-');
                }
            }

            string slug = sb.ToString();
            int n = counts.GetValueOrDefault(slug);
            slugs.Add(n == 0 ? slug : $"{slug}-{n}");
            counts[slug] = n + 1;
        }

        return slugs;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SkinSam.Sdk.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"Expected SkinSam.Sdk.sln in a folder above {AppContext.BaseDirectory}; got none.");
    }

    [GeneratedRegex(@"(?<!!)\[(?<text>[^\]]*)\]\((?<target>[^)\s]*)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
