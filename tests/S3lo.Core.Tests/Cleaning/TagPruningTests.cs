using S3lo.Core.Cleaning;
using S3lo.Core.Config;

namespace S3lo.Core.Tests.Cleaning;

/// <summary>Pruning decisions, table-driven: each case is the tags of one image, its rules, and what must go and why.</summary>
public sealed class TagPruningTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string DigestA = "sha256:" + new string('a', 64);
    private static readonly string DigestB = "sha256:" + new string('b', 64);
    private static readonly string PlatformArm = "sha256:" + new string('c', 64);

    /// <summary>One tag pushed <paramref name="daysAgo"/> days before <see cref="Now"/>.</summary>
    private static TagFacts Tag(string name, double daysAgo, string? digest = null, params string[] platforms) =>
        new(name, Now.AddDays(-daysAgo), digest ?? "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))), platforms);

    private static EffectiveRules Rules(int? keepLast = null, string? maxAge = null, bool immutable = false, params string[] keepTags) => new(
        new Setting<bool>(immutable, "[default]"),
        new Setting<int?>(keepLast, "[default]"),
        new Setting<TimeSpan?>(maxAge is null ? null : S3lo.Core.Time.DurationText.TryParse(maxAge, out var age) ? age : throw new ArgumentException(maxAge), "[default]"),
        new Setting<IReadOnlyList<string>>(keepTags, "[default]"));

    public sealed record Case(string Name, TagFacts[] Tags, EffectiveRules Rules, string[] KeepDigests, string[] Pruned, (string Tag, string Reason)[] Reasons)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<Case> Cases()
    {
        TagFacts[] five = [Tag("v1", 5), Tag("v2", 4), Tag("v3", 3), Tag("v4", 2), Tag("v5", 1)];
        yield return new("no rules prune nothing", five, EffectiveRules.BuiltIn, [], [],
            [("v1", "no lifecycle rules")]);
        yield return new("keep_last 3 prunes the 4th and 5th newest", five, Rules(keepLast: 3), [], ["v1", "v2"],
            [("v1", "keep_last 3: 5th newest"), ("v2", "keep_last 3: 4th newest"), ("v3", "3rd newest, pushed 3d ago: within the rules")]);
        yield return new("max_age 7d prunes what was pushed 9 days ago", [Tag("old", 9), Tag("new", 2)], Rules(maxAge: "7d"), [], ["old"],
            [("old", "max_age 7d: pushed 9d ago"), ("new", "1st newest, pushed 2d ago: within the rules")]);
        yield return new("max_age is a strict bound: exactly 7d old stays", [Tag("edge", 7)], Rules(maxAge: "7d"), [], [], []);
        yield return new("a tag beyond keep_last OR older than max_age goes; both reasons are given", [Tag("a", 1), Tag("b", 2), Tag("c", 3), Tag("d", 10)],
            Rules(keepLast: 3, maxAge: "7d"), [], ["d"], [("d", "keep_last 3: 4th newest; max_age 7d: pushed 10d ago")]);
        yield return new("max_age alone prunes inside keep_last", [Tag("a", 1), Tag("b", 12)], Rules(keepLast: 5, maxAge: "7d"), [], ["b"],
            [("b", "max_age 7d: pushed 12d ago")]);
        yield return new("keep_tags by name keeps an old tag; it still takes a rank", [Tag("latest", 30), Tag("v2", 1), Tag("v1", 2)], Rules(keepLast: 1, keepTags: "latest"), [], ["v1"],
            [("latest", "keep_tags latest (else keep_last 1: 3rd newest)"), ("v1", "keep_last 1: 2nd newest")]);
        yield return new("keep_tags globs", [Tag("v1.0", 9), Tag("v1.1", 8), Tag("dev-x", 7), Tag("v2", 1)], Rules(keepLast: 1, keepTags: ["v1.*", "stable"]), [], ["dev-x"],
            [("v1.0", "keep_tags v1.* (else keep_last 1: 4th newest)"), ("dev-x", "keep_last 1: 2nd newest")]);
        yield return new("an immutable image keeps every tag", five, Rules(keepLast: 1, maxAge: "1d", immutable: true), [], [],
            [("v1", "immutable (else keep_last 1: 5th newest; max_age 1d: pushed 5d ago)")]);
        yield return new("a root digest in use keeps its tag", [Tag("new", 1), Tag("old", 9, DigestA)], Rules(keepLast: 1), [DigestA], [],
            [("old", $"in use: {DigestA} (else keep_last 1: 2nd newest)")]);
        yield return new("a platform digest of an index in use keeps the index's tag", [Tag("new", 1), Tag("multi", 9, DigestB, DigestA[..7] + new string('d', 64), PlatformArm)],
            Rules(keepLast: 1), [PlatformArm], [], [("multi", $"in use: platform {PlatformArm} (else keep_last 1: 2nd newest)")]);
        yield return new("a digest in use protects nothing else", [Tag("new", 1), Tag("old", 9, DigestA), Tag("older", 10, DigestB)], Rules(keepLast: 1), [DigestA], ["older"], []);
        yield return new("equal push times rank the greater tag name as newer", [Tag("a", 3), Tag("c", 3), Tag("b", 3)], Rules(keepLast: 2), [], ["a"],
            [("a", "keep_last 2: 3rd newest"), ("c", "1st newest, pushed 3d ago: within the rules")]);
        yield return new("keep_last 0 prunes every unprotected tag", [Tag("a", 1), Tag("latest", 2)], Rules(keepLast: 0, keepTags: "latest"), [], ["a"], []);
    }

    [TestCaseSource(nameof(Cases))]
    public void DecidesWhichTagsArePrunedAndWhy(Case c)
    {
        var decisions = TagPruning.Decide(c.Tags, c.Rules, Now, c.KeepDigests.ToHashSet());

        Assert.That(decisions.Select(d => d.Tag), Is.EquivalentTo(c.Tags.Select(t => t.Tag)), "one decision per tag");
        Assert.That(decisions.Where(d => d.Prune).Select(d => d.Tag), Is.EquivalentTo(c.Pruned));
        foreach (var (tag, reason) in c.Reasons)
            Assert.That(decisions.Single(d => d.Tag == tag).Reason, Is.EqualTo(reason), tag);
    }

    [Test]
    public void TheDecisionDoesNotDependOnTheOrderTagsAreListedIn()
    {
        TagFacts[] tags = [Tag("a", 3), Tag("b", 3), Tag("c", 3), Tag("d", 1), Tag("e", 9)];
        var expected = TagPruning.Decide(tags, Rules(keepLast: 2), Now, new HashSet<string>());

        var shuffled = tags.Reverse().ToArray();
        Assert.That(TagPruning.Decide(shuffled, Rules(keepLast: 2), Now, new HashSet<string>()), Is.EqualTo(expected));
        Assert.That(expected.Select(d => d.Tag), Is.EqualTo(new[] { "d", "c", "b", "a", "e" }), "ranked newest first, ties by name descending");
    }
}
