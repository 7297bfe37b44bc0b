namespace SkinSam.Sdk.Reliability.Tests.Adversarial;

/// <summary>
/// The library's adversarial corpus (issue 13, item 6): hostile image files, prompts and manifests built in code, each
/// with the one outcome it must have — the exact exception type, or acceptance for odd but legitimate inputs. No case
/// may end in another exception, a hang, or a silently invented result.
/// </summary>
public sealed class AdversarialCorpusTests(HostileContext context) : IClassFixture<HostileContext>
{
    private static readonly Dictionary<string, HostileCase> Cases =
        HostileImages.All().Concat(HostilePrompts.All()).Concat(HostileManifests.All()).ToDictionary(c => c.Name);

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void HostileInput_EndsInItsExpectedOutcome(string name)
    {
        HostileCase c = Cases[name];
        Exception? thrown = Record.Exception(() => c.Run(context));
        if (c.Expected is null)
        {
            Assert.True(thrown is null, $"{name}: expected success; got {thrown?.GetType().Name}: {thrown?.Message}");
            return;
        }

        Assert.True(thrown is not null, $"{name}: expected {c.Expected.Name}; got success");
        Assert.True(thrown.GetType() == c.Expected, $"{name}: expected {c.Expected.Name}; got {thrown.GetType().Name}: {thrown.Message}");
        if (thrown is not ArgumentNullException)
        {
            Assert.Contains("xpected", thrown.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Corpus_HoldsAtLeastFortyCasesOfEachKindAndUniqueNames()
    {
        Assert.True(Cases.Count >= 40, $"Expected at least 40 hostile cases; got {Cases.Count}.");
        Assert.True(HostileImages.All().Count() >= 20 && HostilePrompts.All().Count() >= 10 && HostileManifests.All().Count() >= 10);
    }
}
