using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A two-platform image copied whole into a bucket on each scheme's real server, then served: the real
/// daemon pulls its linux/amd64 image through serve, and on S3 skopeo copies the whole index back out of
/// serve with the same digest.
/// </summary>
[NonParallelizable]
public sealed class ServeMultiArchSchemeTests
{
    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    public void DockerPullsTheAmd64ImageOfAMultiArchIndexFromTheServedBucket(string scheme)
    {
        DockerCli.RequireDaemon();
        using var layout = new TempDir();
        var index = MultiArchLayouts.Write(layout.Path, "multi");
        using var bucket = TestBucket.Create(scheme);
        var copy = TestBucket.S3lo("copy", $"oci:{layout.Path}:multi", bucket.Ref("multi:1"));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        using var served = scheme == "s3"
            ? ServedBucket.Start(bucket.Url, "--endpoint", S3Server.Endpoint)
            : ServeRedirectTests.ServeWithTestEnvironment(bucket.Url);
        var pulled = $"{served.Host}/multi:1";
        var amd64Config = Amd64ConfigDigest(layout.Path, index);
        DockerCli.RemoveImage(pulled, amd64Config);
        try
        {
            DockerCli.MustRun("pull", pulled);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(amd64Config));
            Assert.That(DockerCli.MustRun("image", "inspect", "--format", "{{.RepoDigests}}", pulled).Stdout, Does.Contain(index));
        }
        finally
        {
            DockerCli.RemoveImage(pulled);
        }

        if (scheme != "s3") return;
        using var copied = new TempDir();
        var skopeo = Processes.Run("skopeo", ["copy", "--all", "--src-tls-verify=false", $"docker://{pulled}", $"oci:{copied.Path}:back"]);
        Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);
        using var back = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(copied.Path, "index.json")));
        Assert.That(back.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString(), Is.EqualTo(index));
    }

    /// <summary>The config digest (the image ID docker gives) of the index's linux/amd64 manifest.</summary>
    private static string Amd64ConfigDigest(string layout, string index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Blob(layout, index)));
        var amd64 = doc.RootElement.GetProperty("manifests").EnumerateArray()
            .Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "amd64")
            .GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(layout, amd64)));
        return manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
    }

    private static string Blob(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
}
