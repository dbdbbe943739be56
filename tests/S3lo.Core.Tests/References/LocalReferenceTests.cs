using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

[TestFixture]
public class LocalReferenceTests
{
    private const string Cwd = "/home/u/work";
    private const string D = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("local://./store/app:v1", new string[0], "/home/u/work/store", "app", "v1")]
    [TestCase("local://./store/org/app:v1", new string[0], "/home/u/work/store", "org/app", "v1")]
    [TestCase("local://../x/store/app:v1", new string[0], "/home/u/x", "store/app", "v1")]
    [TestCase("local://../../x/app:v1", new string[0], "/home/x", "app", "v1")]
    [TestCase("local://./../x/app:v1", new string[0], "/home/u/x", "app", "v1")]
    [TestCase("local://././store/app:v1", new string[0], "/home/u/work/store", "app", "v1")]
    [TestCase("local:///srv/data/store/org/app:v1", new[] { "/srv/data/store" }, "/srv/data/store", "org/app", "v1")]
    [TestCase("local:///srv/a/b/app:v1", new[] { "/srv/a", "/srv/a/b" }, "/srv/a/b", "app", "v1")]
    [TestCase("local:///srv/a/b/app:v1", new[] { "/srv/a" }, "/srv/a", "b/app", "v1")]
    [TestCase("local://store/app:v1", new[] { "/home/u/work/store" }, "/home/u/work/store", "app", "v1")]
    [TestCase("local://data/store/org/app:v1", new[] { "/home/u/work/data/store" }, "/home/u/work/data/store", "org/app", "v1")]
    public void ValidImage(string text, string[] stores, string root, string repository, string tag)
    {
        var image = Schemes.References.ParseImage(text, new FakeStoreProbe(Cwd, stores));

        Assert.That(image.Location, Is.EqualTo(new BucketLocation("local", root)));
        Assert.That(image.Location.Scheme, Is.EqualTo("local"));
        Assert.That(image.Repository, Is.EqualTo(repository));
        Assert.That(image.Tag, Is.EqualTo(tag));
        Assert.That(image.Digest, Is.Null);
        Assert.That(image.ToString(), Is.EqualTo($"local://{root}/{repository}:{tag}"));
    }

    [Test]
    public void DigestImage()
    {
        var image = Schemes.References.ParseImage("local://./store/app@sha256:" + D, new FakeStoreProbe(Cwd));

        Assert.That(image.Digest?.Hex, Is.EqualTo(D));
        Assert.That(image.Tag, Is.Null);
        Assert.That(image.ToString(), Is.EqualTo("local:///home/u/work/store/app@sha256:" + D));
    }

    [Test]
    public void ImageToStringParsesBackToTheSameReference()
    {
        var probe = new FakeStoreProbe(Cwd, "/home/u/x");
        var image = Schemes.References.ParseImage("local://../x/store/app:v1", probe);

        Assert.That(Schemes.References.ParseImage(image.ToString(), probe), Is.EqualTo(image));
    }

    [TestCase("local://./app:v1", "no image after the store directory")]
    [TestCase("local://./store/", "names no image")]
    [TestCase("local://./store/app", "no tag or digest")]
    [TestCase("local://./store/App:v1", "lowercase")]
    [TestCase("local://./store/../app:v1", "'..'")]
    [TestCase("local://./store/./app:v1", "'.'")]
    [TestCase("local://./", "no store directory")]
    [TestCase("local://.", "no store directory")]
    [TestCase("local://../..", "no store directory")]
    [TestCase("local://.//store/app:v1", "empty path component")]
    [TestCase("local://./st:ore/app:v1", "contains ':'")]
    [TestCase("local://", "no store path")]
    [TestCase("local:///", "no store path")]
    [TestCase("local:///app:v1", "no store directory")]
    [TestCase("local://app:v1", "no store directory")]
    [TestCase("local:///srv/../store/app:v1", "'..'")]
    [TestCase("local:///srv/./store/app:v1", "'.'")]
    [TestCase("local://store/../../etc/app:v1", "'..'")]
    [TestCase("local:///srv//store/app:v1", "empty path component")]
    [TestCase("local:////srv/store/app:v1", "empty path component")]
    [TestCase("local:///srv/store/app:v1/", "empty path component")]
    [TestCase("local://~/store/app:v1", "'~'")]
    [TestCase("local://.\\store/app:v1", "'\\'")]
    [TestCase("local://./my store/app:v1", "whitespace")]
    [TestCase("LOCAL://./store/app:v1", "unknown scheme")]
    [TestCase("local:/./store/app:v1", "no scheme")]
    public void InvalidImage(string text, string expected)
    {
        var probe = new FakeStoreProbe(Cwd, "/srv/store", "/home/u/work/store");
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage(text, probe))!;

        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(ex.Hint, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void MissingStoreSaysWhichDirectoryToInit()
    {
        var ex = Assert.Throws<UsageException>(() =>
            Schemes.References.ParseImage("local:///abs/path/store/app:v1", new FakeStoreProbe(Cwd)))!;

        Assert.That(ex.Message, Is.EqualTo("no s3lo store found in /abs/path/store/app"));
        Assert.That(ex.Hint, Is.EqualTo("run 's3lo init --local /abs/path/store' first"));
        Assert.That(ex, Is.TypeOf<UsageException>(), "a usage error: exit code 2");
    }

    [Test]
    public void MissingRelativeStoreNamesTheAbsolutePath()
    {
        var ex = Assert.Throws<UsageException>(() =>
            Schemes.References.ParseImage("local://store/org/app@sha256:" + D, new FakeStoreProbe(Cwd)))!;

        Assert.That(ex.Message, Is.EqualTo("no s3lo store found in /home/u/work/store/org/app"));
        Assert.That(ex.Hint, Is.EqualTo("run 's3lo init --local /home/u/work/store/org' first"));
    }

    [Test]
    public void LongestStorePrefixIsProbedFirstAndNeverIncludesTheImageName()
    {
        var probe = new FakeStoreProbe(Cwd, "/a");
        Schemes.References.ParseImage("local:///a/b/c/app:v1", probe);

        Assert.That(probe.Probed, Is.EqualTo(new[] { "/a/b/c", "/a/b", "/a" }));
    }

    [TestCase("local:///srv/store/app")]
    [TestCase("local:///srv/store/App:v1")]
    [TestCase("local:///srv/store/app@sha256:bad")]
    [TestCase("local:///srv/store/app:v1@sha256:" + D)]
    public void MalformedImagePartIsRejectedBeforeProbing(string text)
    {
        var probe = new FakeStoreProbe(Cwd, "/srv/store");

        Assert.Throws<UsageException>(() => Schemes.References.ParseImage(text, probe));
        Assert.That(probe.Probed, Is.Empty);
    }

    [TestCase("local:///srv/store", new[] { "/srv/store" }, "/srv/store", null)]
    [TestCase("local:///srv/store/", new[] { "/srv/store" }, "/srv/store", null)]
    [TestCase("local:///srv/store/org/app", new[] { "/srv/store" }, "/srv/store", "org/app")]
    [TestCase("local:///srv/store/dev/*", new[] { "/srv/store" }, "/srv/store", "dev/*")]
    [TestCase("local:///srv/new-store/", new string[0], "/srv/new-store", null)]
    [TestCase("local:///srv/new-store/app", new string[0], "/srv/new-store/app", null)]
    [TestCase("local://./store", new string[0], "/home/u/work/store", null)]
    [TestCase("local://./store/", new string[0], "/home/u/work/store", null)]
    [TestCase("local://./store/dev/*", new string[0], "/home/u/work/store", "dev/*")]
    [TestCase("local://../x/app", new string[0], "/home/u/x", "app")]
    [TestCase("local://newstore", new string[0], "/home/u/work/newstore", null)]
    [TestCase("local://data/store/app", new[] { "/home/u/work/data/store" }, "/home/u/work/data/store", "app")]
    public void ValidBucket(string text, string[] stores, string root, string? repository)
    {
        var target = Schemes.References.ParseBucket(text, new FakeStoreProbe(Cwd, stores));

        Assert.That(target.Location, Is.EqualTo(new BucketLocation("local", root)));
        Assert.That(target.Repository, Is.EqualTo(repository));
    }

    [TestCase("local:///srv/store/app:v1", "cannot have a tag")]
    [TestCase("local:///srv/nostore/app:v1", "cannot have a tag")]
    [TestCase("local:///srv/nostore/app@sha256:" + D, "cannot have a digest")]
    [TestCase("local:///srv/nostore/dev/*", "glob")]
    [TestCase("local:///srv/store/dev/", "ends with '/'")]
    [TestCase("local:///srv/store/../x", "'..'")]
    [TestCase("local:///srv/store//x", "empty path component")]
    [TestCase("local://./store/app:v1", "cannot have a tag")]
    [TestCase("local://./", "no store directory")]
    [TestCase("local:///", "no store path")]
    public void InvalidBucket(string text, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseBucket(text, new FakeStoreProbe(Cwd, "/srv/store")))!;

        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(ex.Hint, Is.Not.Null.And.Not.Empty);
    }
}
