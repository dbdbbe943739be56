using S3lo.Core.Config;

namespace S3lo.Core.Tests.Config;

public sealed class BucketConfigResolutionTests
{
    private const string Rules = """
        default:
          immutable: false
          lifecycle: {keep_last: 10, max_age: 90d, keep_tags: [latest]}
        images:
          myapp: {immutable: true, lifecycle: {keep_last: 5}}
          "dev/*": {lifecycle: {keep_last: 3, max_age: 7d}}
          "dev/team/*": {lifecycle: {keep_last: 2}}
          "*": {lifecycle: {keep_last: 50}}
          "*-cache": {lifecycle: {max_age: 1d}}
          "ab*": {lifecycle: {keep_last: 41}}
          "a?c*": {lifecycle: {keep_last: 42}}
          "a*": {lifecycle: {keep_last: 43}}
          "a*x": {lifecycle: {keep_last: 44}}
          "dev/myapp": {immutable: false}
        """;

    private static readonly BucketConfig Config = BucketConfigParser.Parse(Rules, "s3lo.yaml");

    [TestCase("myapp", 5, "[image]", Description = "the exact entry wins over the '*' glob")]
    [TestCase("dev/api", 3, "[glob dev/*]", Description = "a matching glob")]
    [TestCase("dev/team/api", 2, "[glob dev/team/*]", Description = "the longest literal prefix wins")]
    [TestCase("dev/myapp", 3, "[glob dev/*]", Description = "an exact entry that does not set the key falls through to the globs")]
    [TestCase("other", 50, "[glob *]", Description = "'*' alone matches everything")]
    [TestCase("abc", 41, "[glob ab*]", Description = "ab* has the literal prefix 'ab', longer than a?c* and a*")]
    [TestCase("axc", 42, "[glob a?c*]", Description = "a?c* and a* share the prefix 'a': the longer pattern wins")]
    [TestCase("azx", 44, "[glob a*x]", Description = "a*x beats a* on length with the same prefix")]
    [TestCase("az", 43, "[glob a*]", Description = "only a* (and *) match")]
    public void KeepLastComesFromTheMostSpecificEntry(string repository, int keepLast, string origin)
    {
        var rules = Config.Resolve(repository);
        Assert.That(rules.KeepLast, Is.EqualTo(new Setting<int?>(keepLast, origin)));
    }

    [TestCase("myapp", 90, "[default]")]
    [TestCase("dev/api", 7, "[glob dev/*]")]
    [TestCase("dev/team/api", 7, "[glob dev/*]", Description = "dev/team/* does not set max_age: the next glob does")]
    [TestCase("build-cache", 1, "[glob *-cache]")]
    public void EachKeyResolvesOnItsOwn(string repository, int maxAgeDays, string origin)
    {
        Assert.That(Config.Resolve(repository).MaxAge, Is.EqualTo(new Setting<TimeSpan?>(TimeSpan.FromDays(maxAgeDays), origin)));
    }

    [Test]
    public void ImmutableAndKeepTagsComeFromTheirOwnEntries()
    {
        var myapp = Config.Resolve("myapp");
        var devMyapp = Config.Resolve("dev/myapp");

        Assert.That(myapp.Immutable, Is.EqualTo(new Setting<bool>(true, "[image]")));
        Assert.That(devMyapp.Immutable, Is.EqualTo(new Setting<bool>(false, "[image]")));
        Assert.That(myapp.KeepTags.Value, Is.EqualTo(new[] { "latest" }));
        Assert.That(myapp.KeepTags.Origin, Is.EqualTo("[default]"));
    }

    [Test]
    public void TiesBetweenEqualGlobsAreBrokenByOrdinalOrderNotFileOrder()
    {
        // "x?*" and "x*?" both match "xab" with the same literal prefix and length: the ordinal
        // first ("x*?") wins, whatever the order in the file.
        var forward = BucketConfigParser.Parse("images:\n  \"x?*\": {lifecycle: {keep_last: 1}}\n  \"x*?\": {lifecycle: {keep_last: 2}}\n", "s3lo.yaml");
        var backward = BucketConfigParser.Parse("images:\n  \"x*?\": {lifecycle: {keep_last: 2}}\n  \"x?*\": {lifecycle: {keep_last: 1}}\n", "s3lo.yaml");

        Assert.That(forward.Resolve("xab").KeepLast, Is.EqualTo(new Setting<int?>(2, "[glob x*?]")));
        Assert.That(backward.Resolve("xab").KeepLast, Is.EqualTo(new Setting<int?>(2, "[glob x*?]")));
    }

    [Test]
    public void WithoutAnyEntryTheDefaultThenTheBuiltInValuesApply()
    {
        var config = BucketConfigParser.Parse("default: {lifecycle: {keep_last: 10}}\n", "s3lo.yaml");

        var rules = config.Resolve("anything");

        Assert.That(rules.KeepLast, Is.EqualTo(new Setting<int?>(10, "[default]")));
        Assert.That(rules.MaxAge, Is.EqualTo(new Setting<TimeSpan?>(null, "[built-in]")));
        Assert.That(rules.Immutable, Is.EqualTo(new Setting<bool>(false, "[built-in]")));
        Assert.That(rules.KeepTags.Origin, Is.EqualTo("[built-in]"));
        Assert.That(rules.KeepTags.Value, Is.Empty);
    }

    [Test]
    public void TheEmptyConfigIsAllBuiltIn() =>
        Assert.That(BucketConfig.Empty.Resolve("app"), Is.EqualTo(EffectiveRules.BuiltIn));

    [Test]
    public void AnExactNameIsNotReadAsAGlobOfItself()
    {
        // "app" must not match "app2" just because exact entries and globs share the images mapping.
        var config = BucketConfigParser.Parse("images:\n  app: {lifecycle: {keep_last: 1}}\n", "s3lo.yaml");
        Assert.That(config.Resolve("app2").KeepLast.Origin, Is.EqualTo("[built-in]"));
    }
}
