using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>copy to and from OCI layouts and archives — the air-gapped route — checked with skopeo and docker.</summary>
public sealed class ArchiveCopyTests
{
    private const string Amd64Manifest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
    private const string Amd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";

    [Test]
    public void BucketToOciLayoutIsReadBySkopeoAndComesBackByteExact()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var layout = Path.Combine(back.Parent, "layout");

        var toLayout = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"oci:{layout}:3.23", "--platform", "linux/amd64");
        Assert.That(toLayout.ExitCode, Is.EqualTo(0), toLayout.ToString);
        var skopeo = Processes.Run("skopeo", ["inspect", "--raw", $"oci:{layout}:3.23"]);
        Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);
        Assert.That("sha256:" + StoreChecker.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(skopeo.Stdout.TrimEnd('\n'))), Is.EqualTo(Amd64Manifest));

        var archive = Path.Combine(back.Parent, "alpine.tar");
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:3.23", $"oci-archive:{archive}").ExitCode, Is.EqualTo(0));
        var toBucket = S3loBinary.Run("copy", $"oci-archive:{archive}", back.Ref("alpine:3.23"), "--output", "json");
        Assert.That(toBucket.ExitCode, Is.EqualTo(0), toBucket.ToString);
        Assert.That(JsonDocument.Parse(toBucket.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(Amd64Manifest));
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }

    [Test]
    public void SkopeoArchiveIsReadByS3lo()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var layout = Path.Combine(back.Parent, "layout");
        var archive = Path.Combine(back.Parent, "by-skopeo.tar");
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"oci:{layout}:x", "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));
        var skopeo = Processes.Run("skopeo", ["copy", $"oci:{layout}:x", $"oci-archive:{archive}:y"]);
        Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);

        var copy = S3loBinary.Run("copy", $"oci-archive:{archive}:y", back.Ref("alpine:y"), "--output", "json");
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
        Assert.That(S3loBinary.Run("list", back.Url).StdoutLines, Is.EqualTo(new[] { "alpine:y" }));
    }

    [Test]
    public void DockerArchiveLoadsWithTheSameImageId()
    {
        DockerCli.RequireDaemon();
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var file = Path.Combine(fixture.Parent, "alpine-docker.tar");
        const string name = "s3lo-e2e/alpine:from-archive";
        DockerCli.RemoveImage(name);
        DockerCli.RemoveImage(Amd64Config);
        try
        {
            var copy = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"docker-archive:{file}:{name}", "--platform", "linux/amd64");
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
            DockerCli.MustRun("load", "-i", file);
            Assert.That(DockerCli.ImageId(name), Is.EqualTo(Amd64Config));
        }
        finally
        {
            DockerCli.RemoveImage(name);
        }
    }

    [Test]
    public void WholeIndexToADockerArchiveAsksForAPlatform()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var file = Path.Combine(fixture.Parent, "multi.tar");
        var copy = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"docker-archive:{file}");
        Assert.That(copy.ExitCode, Is.EqualTo(1), copy.ToString);
        Assert.That(File.Exists(file), Is.False, "a failed copy leaves no file");
    }

    [TestCase("oci:")]
    [TestCase("docker-archive:")]
    [TestCase("ftp://host/app:1")]
    [TestCase("Registry.Example.com/App:1")]
    public void BadCopyReferencesAreUsageErrors(string reference)
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("copy", reference, store.Ref("app:1"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: "));
    }
}
