using S3lo.Core.Archives;
using S3lo.Core.Errors;

namespace S3lo.Core.Tests.Archives;

[TestFixture]
public class ArchiveReferenceTests
{
    private static ArchiveReference Parse(string text, params string[] existing) =>
        ArchiveReference.Parse(text, p => existing.Contains(p));

    [TestCase("oci:./layout", "./layout", null)]
    [TestCase("oci:./layout:v1", "./layout", "v1")]
    [TestCase("oci:/abs/dir:1.2.3-rc_1", "/abs/dir", "1.2.3-rc_1")]
    [TestCase("oci:relative", "relative", null)]
    [TestCase("oci:/data/a:b/layout:v2", "/data/a:b/layout", "v2")]
    [TestCase("oci:/data/a:b/layout", "/data/a:b/layout", null)] // "b/layout" is no tag
    public void Oci_references_split_the_tag_after_the_last_colon(string text, string path, string? tag)
    {
        var reference = Parse(text);
        Assert.That(reference.Kind, Is.EqualTo(ArchiveKind.OciLayout));
        Assert.That(reference.Path, Is.EqualTo(path));
        Assert.That(reference.Tag, Is.EqualTo(tag));
        Assert.That(reference.ToString(), Is.EqualTo(text));
    }

    [Test]
    public void APathThatExistsWithAColonIsNotSplitWhenItsPrefixDoesNotExist()
    {
        var reference = Parse("oci-archive:/backups/image:2024", "/backups/image:2024");
        Assert.That(reference.Path, Is.EqualTo("/backups/image:2024"));
        Assert.That(reference.Tag, Is.Null);

        var both = Parse("oci-archive:/backups/image:2024", "/backups/image:2024", "/backups/image");
        Assert.That(both.Path, Is.EqualTo("/backups/image"));
        Assert.That(both.Tag, Is.EqualTo("2024"));
    }

    [TestCase("oci-archive:out.tar:v1", "out.tar", "v1")]
    [TestCase("oci-archive:out.tar", "out.tar", null)]
    public void Oci_archive_references(string text, string path, string? tag)
    {
        var reference = Parse(text);
        Assert.That(reference.Kind, Is.EqualTo(ArchiveKind.OciArchive));
        Assert.That((reference.Path, reference.Tag), Is.EqualTo((path, tag)));
    }

    [TestCase("docker-archive:app.tar", "app.tar", null, null)]
    [TestCase("docker-archive:app.tar:app:v1", "app.tar", "app", "v1")]
    [TestCase("docker-archive:/tmp/x.tar:org/team/app:1.0", "/tmp/x.tar", "org/team/app", "1.0")]
    [TestCase("docker-archive:x.tar:localhost:5000/app:v1", "x.tar", "localhost:5000/app", "v1")]
    [TestCase("docker-archive:x.tar:registry.example.com/a/b:latest", "x.tar", "registry.example.com/a/b", "latest")]
    public void Docker_archive_references_take_an_optional_name_and_tag(string text, string path, string? name, string? tag)
    {
        var reference = Parse(text);
        Assert.That(reference.Kind, Is.EqualTo(ArchiveKind.DockerArchive));
        Assert.That((reference.Path, reference.ImageName, reference.Tag), Is.EqualTo((path, name, tag)));
        Assert.That(reference.ToString(), Is.EqualTo(text));
    }

    [Test]
    public void ADockerArchivePathThatExistsWins()
    {
        var reference = Parse("docker-archive:/data/a:b:c", "/data/a:b:c");
        Assert.That((reference.Path, reference.ImageName), Is.EqualTo(("/data/a:b:c", (string?)null)));
        var existingPrefix = Parse("docker-archive:/data/x.tar:localhost:5000/app:v1", "/data/x.tar");
        Assert.That(existingPrefix.RepoTag, Is.EqualTo("localhost:5000/app:v1"));
    }

    [TestCase("oci:")]
    [TestCase("oci::v1")]
    [TestCase("oci-archive:")]
    [TestCase("docker-archive:")]
    [TestCase("docker-archive::app:v1")]
    [TestCase("oci:./dir:")]
    [TestCase("docker-archive:app.tar:app")]
    [TestCase("docker:app")]
    public void Bad_references_are_usage_errors_with_a_hint(string text)
    {
        var error = Assert.Throws<UsageException>(() => Parse(text));
        Assert.That(error!.Hint, Is.Not.Null.And.Not.Empty);
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void AnInvalidTagAfterAnExistingDirectoryIsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Parse("oci:./layout:bad@tag", "./layout"));
        Assert.That(error!.Message, Does.Contain("invalid tag"));
    }
}
