using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

[TestFixture]
public class ParseImageTests
{
    private const string D = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // Cloud references never consult the probe; a probe that throws proves it.
    private static readonly ILocalStoreProbe NoIo = new ThrowingProbe();

    [TestCase("s3://my-bucket/app:v1", "s3", "my-bucket", "app", "v1", null)]
    [TestCase("s3://my.bucket.1/org/team/app:1.0.0-rc_1", "s3", "my.bucket.1", "org/team/app", "1.0.0-rc_1", null)]
    [TestCase("s3://abc/a.b_c__d---e:TAG_Upper", "s3", "abc", "a.b_c__d---e", "TAG_Upper", null)]
    [TestCase("s3://abc/app:_x", "s3", "abc", "app", "_x", null)]
    [TestCase("s3://abc/app@sha256:" + D, "s3", "abc", "app", null, "sha256:" + D)]
    [TestCase("gs://my_bucket/app@sha256:" + D, "gs", "my_bucket", "app", null, "sha256:" + D)]
    [TestCase("gs://a.b/x/y:latest", "gs", "a.b", "x/y", "latest", null)]
    [TestCase("az://container-1/a/b/c:latest", "az", "container-1", "a/b/c", "latest", null)]
    [TestCase("az://abc/0/9:0", "az", "abc", "0/9", "0", null)]
    public void Valid(string text, string scheme, string bucket, string repository, string? tag, string? digest)
    {
        var image = Schemes.References.ParseImage(text, NoIo);

        Assert.That(image.Location.Scheme, Is.EqualTo(scheme));
        Assert.That(image.Location.Bucket, Is.EqualTo(bucket));
        Assert.That(image.Repository, Is.EqualTo(repository));
        Assert.That(image.Tag, Is.EqualTo(tag));
        Assert.That(image.Digest?.ToString(), Is.EqualTo(digest));
        Assert.That(image.TagOrDigest, Is.EqualTo(tag ?? digest));
        Assert.That(image.ToString(), Is.EqualTo(text));
    }

    [TestCase("", "empty")]
    [TestCase("s3://abc/app", "no tag or digest")]
    [TestCase("s3://b/app", "no tag or digest")]
    [TestCase("s3://abc/org/app", "no tag or digest")]
    [TestCase("s3://abc/app:", "empty tag")]
    [TestCase("s3://abc/app:.v1", "invalid tag")]
    [TestCase("s3://abc/app:-v1", "invalid tag")]
    [TestCase("s3://abc/app:v+1", "invalid tag")]
    [TestCase("s3://abc/app:v1@sha256:" + D, "both a tag and a digest")]
    [TestCase("s3://abc/app@sha256:abc", "invalid digest")]
    [TestCase("s3://abc/app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "invalid digest")]
    [TestCase("s3://abc/app@sha512:" + D, "invalid digest")]
    [TestCase("s3://abc/app@", "invalid digest")]
    [TestCase("s3://abc/app@sha256:" + D + "@sha256:" + D, "invalid digest")]
    [TestCase("s3://abc/App:v1", "lowercase")]
    [TestCase("s3://abc/org/MyApp:v1", "lowercase")]
    [TestCase("s3://abc/ORG/app@sha256:" + D, "lowercase")]
    [TestCase("s3://abc/../app:v1", "'..'")]
    [TestCase("s3://abc/org/../app:v1", "'..'")]
    [TestCase("s3://abc/app/..:v1", "'..'")]
    [TestCase("s3://abc/..:v1", "'..'")]
    [TestCase("s3://abc/./app:v1", "'.'")]
    [TestCase("s3://abc//app:v1", "empty path component")]
    [TestCase("s3://abc/org//app:v1", "empty path component")]
    [TestCase("s3://abc/app/:v1", "ends with '/'")]
    [TestCase("s3://abc/app:v1/", "ends with '/'")]
    [TestCase("s3://abc/ app:v1", "whitespace")]
    [TestCase("s3://abc/app:v1 ", "whitespace")]
    [TestCase(" s3://abc/app:v1", "whitespace")]
    [TestCase("s3://abc/app:v1\n", "whitespace")]
    [TestCase("s3://abc/app\t:v1", "whitespace")]
    [TestCase("s3://abc/app:v1\u0000", "control character")]
    [TestCase("s3://abc/app\u00a0:v1", "whitespace")]
    [TestCase("ftp://abc/app:v1", "unknown scheme")]
    [TestCase("S3://abc/app:v1", "unknown scheme")]
    [TestCase("docker://alpine:3", "unknown scheme")]
    [TestCase("abc/app:v1", "no scheme")]
    [TestCase("alpine:3.20", "no scheme")]
    [TestCase("://abc/app:v1", "no scheme")]
    [TestCase("s3:/abc/app:v1", "no scheme")]
    [TestCase("s3:///app:v1", "empty bucket")]
    [TestCase("s3://", "empty bucket")]
    [TestCase("s3://abc", "names no image")]
    [TestCase("s3://abc/", "names no image")]
    [TestCase("s3://abc/:v1", "names no image")]
    [TestCase("s3://app:v1", "names no image")]
    [TestCase("s3://ab/app:v1", "bucket name")]
    [TestCase("s3://My-Bucket/app:v1", "bucket name")]
    [TestCase("s3://-abc/app:v1", "bucket name")]
    [TestCase("s3://abc-/app:v1", "bucket name")]
    [TestCase("s3://ab..c/app:v1", "bucket name")]
    [TestCase("s3://my_bucket/app:v1", "bucket name")]
    [TestCase("gs://-abc/app:v1", "bucket name")]
    [TestCase("gs://a..b/app:v1", "bucket name")]
    [TestCase("az://my--container/app:v1", "bucket name")]
    [TestCase("az://my.container/app:v1", "bucket name")]
    [TestCase("az://ab/app:v1", "bucket name")]
    [TestCase("s3://abc/app_:v1", "invalid image name component")]
    [TestCase("s3://abc/a..b:v1", "invalid image name component")]
    [TestCase("s3://abc/-app:v1", "invalid image name component")]
    [TestCase("s3://abc/app___x:v1", "invalid image name component")]
    [TestCase("s3://abc/org:8080/app:v1", "invalid image name component")]
    [TestCase("s3://abc/app:v1:v2", "invalid image name component")]
    [TestCase("s3://abc/\u00e9t\u00e9:v1", "invalid image name component")]
    [TestCase("s3://abc/dev/*:v1", "glob")]
    public void Invalid(string text, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage(text, NoIo))!;

        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(ex, Is.TypeOf<UsageException>(), "a usage error: exit code 2");
        Assert.That(ex.Message, Does.Not.Contain('\n'), "one line");
        Assert.That(ex.Hint, Is.Not.Null.And.Not.Empty);
        Assert.That(ex.Hint, Does.Not.Contain('\n'), "one line");
    }

    [Test]
    public void MissingTagHintShowsHowToWriteIt()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("s3://b/app", NoIo))!;

        Assert.That(ex.Message, Is.EqualTo("reference 's3://b/app' has no tag or digest"));
        Assert.That(ex.Hint, Does.Contain("s3://b/app:TAG").And.Contain("s3://b/app@sha256:DIGEST"));
    }

    [Test]
    public void UpperCaseHintSuggestsTheLowercaseReference()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("s3://abc/Org/MyApp:V1", NoIo))!;

        Assert.That(ex.Hint, Does.Contain("s3://abc/org/myapp:V1"));
    }

    [Test]
    public void UpperCaseSchemeHintSaysSchemesAreLowercase()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("S3://abc/app:v1", NoIo))!;

        Assert.That(ex.Hint, Does.Contain("lowercase").And.Contain("s3://"));
    }

    [Test]
    public void UnknownSchemeHintListsTheValidSchemes()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("ftp://abc/app:v1", NoIo))!;

        Assert.That(ex.Hint, Does.Contain("s3://").And.Contain("gs://").And.Contain("az://").And.Contain("local://"));
    }

    [Test]
    public void ControlCharactersAreEscapedInTheMessage()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("s3://abc/app:v1\r\nX", NoIo))!;

        Assert.That(ex.Message, Does.Not.Contain('\r').And.Not.Contain('\n'));
        Assert.That(ex.Message, Does.Contain("\\u000d\\u000a"));
    }

    [Test]
    public void BucketRuleIsNamed()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage("s3://ab/app:v1", NoIo))!;

        Assert.That(ex.Message, Does.Contain("3-63"));
    }

    [Test]
    public void TagLengthLimitIs128()
    {
        var longest = "s3://abc/app:" + new string('a', 128);
        Assert.That(Schemes.References.ParseImage(longest, NoIo).Tag, Has.Length.EqualTo(128));

        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage(longest + "a", NoIo))!;
        Assert.That(ex.Message, Does.Contain("invalid tag"));
    }

    [Test]
    public void RepositoryLengthLimitIs255()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 50), 4)) + "/" + new string('b', 51); // 255 characters
        Assert.That(name, Has.Length.EqualTo(255));
        Assert.That(Schemes.References.ParseImage($"s3://abc/{name}:v1", NoIo).Repository, Is.EqualTo(name));

        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"s3://abc/{name}f:v1", NoIo))!;
        Assert.That(ex.Message, Does.Contain("256 characters").And.Contain("255"));
    }

    [Test]
    public void GcsBucketNamesWithDotsMayBeLongerThan63()
    {
        var bucket = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)); // 191 characters
        Assert.That(Schemes.References.ParseImage($"gs://{bucket}/app:v1", NoIo).Location.Bucket, Is.EqualTo(bucket));

        Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"gs://{new string('a', 64)}/app:v1", NoIo));
        Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"gs://{new string('a', 64)}.b/app:v1", NoIo));
        Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"s3://{new string('a', 64)}/app:v1", NoIo));
        Assert.That(Schemes.References.ParseImage($"s3://{new string('a', 63)}/app:v1", NoIo).Location.Bucket, Has.Length.EqualTo(63));
    }

    [Test]
    public void ParsingIsDeterministicAndRecordsCompareByValue()
    {
        var a = Schemes.References.ParseImage("s3://abc/org/app@sha256:" + D, NoIo);
        var b = Schemes.References.ParseImage(a.ToString(), NoIo);

        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void NullIsAProgrammingError() =>
        Assert.Throws<ArgumentNullException>(() => Schemes.References.ParseImage(null!, NoIo));

    private sealed class ThrowingProbe : ILocalStoreProbe
    {
        public string CurrentDirectory => throw new AssertionException("cloud references must not probe");

        public bool IsStore(string absoluteDirectory) => throw new AssertionException("cloud references must not probe");
    }
}
