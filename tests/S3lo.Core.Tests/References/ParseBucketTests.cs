using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

[TestFixture]
public class ParseBucketTests
{
    private const string D = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("s3://abc", "s3", "abc", null)]
    [TestCase("s3://abc/", "s3", "abc", null)]
    [TestCase("s3://abc/org/app", "s3", "abc", "org/app")]
    [TestCase("s3://abc/dev/*", "s3", "abc", "dev/*")]
    [TestCase("gs://abc/app-*", "gs", "abc", "app-*")]
    [TestCase("gs://abc/team/*-dev", "gs", "abc", "team/*-dev")]
    [TestCase("az://abc/*", "az", "abc", "*")]
    [TestCase("az://abc/app", "az", "abc", "app")]
    public void Valid(string text, string scheme, string bucket, string? repository)
    {
        var target = Schemes.References.ParseBucket(text, new FakeStoreProbe("/nowhere"));

        Assert.That(target.Location, Is.EqualTo(new BucketLocation(scheme, bucket)));
        Assert.That(target.Repository, Is.EqualTo(repository));
        Assert.That(target.IsGlob, Is.EqualTo(repository?.Contains('*') ?? false));
    }

    [TestCase("s3://abc/app:v1", "cannot have a tag")]
    [TestCase("s3://abc/dev/*:v1", "cannot have a tag")]
    [TestCase("s3://abc/app@sha256:" + D, "cannot have a digest")]
    [TestCase("s3://abc/*/app", "last path component")]
    [TestCase("s3://abc/dev/", "ends with '/'")]
    [TestCase("s3://abc//", "empty path component")]
    [TestCase("s3://abc//app", "empty path component")]
    [TestCase("s3://abc/../x", "'..'")]
    [TestCase("s3://abc/dev/..", "'..'")]
    [TestCase("s3://abc/Dev/*", "lowercase")]
    [TestCase("s3://abc/dev/App-*", "lowercase")]
    [TestCase("s3://abc/dev/*_", "invalid image name component")]
    [TestCase("s3:///", "empty bucket")]
    [TestCase("s3://", "empty bucket")]
    [TestCase("gs://AB/", "bucket name")]
    [TestCase("az://a_b/", "bucket name")]
    [TestCase("s3://abc /", "whitespace")]
    [TestCase("http://abc/", "unknown scheme")]
    [TestCase("abc", "no scheme")]
    public void Invalid(string text, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseBucket(text, new FakeStoreProbe("/nowhere")))!;

        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(ex, Is.TypeOf<UsageException>(), "a usage error: exit code 2");
        Assert.That(ex.Hint, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void TagHintShowsTheImageWithoutTheTag()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseBucket("s3://abc/org/app:v1"))!;

        Assert.That(ex.Hint, Does.StartWith("write s3://abc/org/app ("));
    }

    [Test]
    public void TrailingSlashHintOffersTheImageAndTheGlob()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseBucket("s3://abc/dev/"))!;

        Assert.That(ex.Hint, Does.Contain("s3://abc/dev,").And.Contain("s3://abc/dev/*"));
    }

    [TestCase("s3://abc", "s3://abc/")]
    [TestCase("s3://abc/org/app", "s3://abc/org/app")]
    [TestCase("gs://abc/dev/*", "gs://abc/dev/*")]
    public void ToStringIsCanonical(string text, string expected) =>
        Assert.That(Schemes.References.ParseBucket(text).ToString(), Is.EqualTo(expected));
}
