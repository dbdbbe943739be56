using S3lo.Core.Digests;
using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

[TestFixture]
public class ReferenceTypesTests
{
    private const string D = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void SchemesAreTheRegisteredProvidersInRegistrationOrder() =>
        Assert.That(Schemes.References.Schemes, Is.EqualTo(new[] { "s3", "gs", "az", "local" }));

    [TestCase("s3", "bucket", "s3://bucket/")]
    [TestCase("az", "container", "az://container/")]
    [TestCase("local", "/abs/root", "local:///abs/root/")]
    public void BucketLocationToString(string scheme, string bucket, string expected) =>
        Assert.That(new BucketLocation(scheme, bucket).ToString(), Is.EqualTo(expected));

    [Test]
    public void ImageReferenceToString()
    {
        var location = new BucketLocation("s3", "b");
        var digest = Digest.Parse("sha256:" + D);

        Assert.That(new ImageReference(location, "org/app", "1.0", null).ToString(), Is.EqualTo("s3://b/org/app:1.0"));
        Assert.That(new ImageReference(location, "app", null, digest).ToString(), Is.EqualTo("s3://b/app@sha256:" + D));
        Assert.That(new ImageReference(location, "app", null, digest).TagOrDigest, Is.EqualTo("sha256:" + D));
    }

    [Test]
    public void ImageReferenceNeedsExactlyOneOfTagAndDigest()
    {
        var location = new BucketLocation("s3", "b");

        Assert.Throws<ArgumentException>(() => _ = new ImageReference(location, "app", null, null));
        Assert.Throws<ArgumentException>(() => _ = new ImageReference(location, "app", "v1", Digest.Parse("sha256:" + D)));
    }

    [Test]
    public void BucketTargetToString()
    {
        var location = new BucketLocation("gs", "abc");

        Assert.That(new BucketTarget(location, null).ToString(), Is.EqualTo("gs://abc/"));
        Assert.That(new BucketTarget(location, "dev/*").ToString(), Is.EqualTo("gs://abc/dev/*"));
    }
}
