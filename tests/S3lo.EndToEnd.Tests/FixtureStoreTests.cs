using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>The real s3lo v1 store (multi-arch alpine, arm64 layer missing on purpose) read by this tool.</summary>
public sealed class FixtureStoreTests
{
    private const string IndexDigest = "sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659";
    private const string Amd64ConfigDigest = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";
    private const string MissingArm64Layer = "d8ad8cd7";

    [Test]
    public void ListShowsAlpineLatest()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("list", store.Url);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[] { "alpine:latest" }));
    }

    [Test]
    public void InspectShowsEightPlatformsAndTheAttestations()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("inspect", store.Ref("alpine:latest"), "--output", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(IndexDigest));
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("index"));
        var platforms = root.GetProperty("platforms").EnumerateArray().Select(p => p.GetProperty("platform").GetString()).ToList();
        Assert.That(platforms, Is.EquivalentTo(new[]
            { "linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8", "linux/386", "linux/ppc64le", "linux/riscv64", "linux/s390x" }));
        Assert.That(root.GetProperty("attestations").GetArrayLength(), Is.EqualTo(8));

        var text = S3loBinary.Run("inspect", store.Ref("alpine:latest"));
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        Assert.That(text.StdoutLines, Does.Contain("type:       index with 8 platforms and 8 attestations"));
        Assert.That(text.StdoutLines, Does.Contain($"digest:     {IndexDigest}"));
    }

    [Test]
    public void InspectByDigestFindsTheSameIndex()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("inspect", store.Ref("alpine@" + IndexDigest), "--output", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(IndexDigest));
    }

    [Test]
    public void PullLoadsTheAmd64AlpineIntoTheDaemon()
    {
        DockerCli.RequireDaemon();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        const string local = "s3lo-e2e/alpine:amd64";
        DockerCli.RemoveImage(local);
        try
        {
            var r = S3loBinary.Run("pull", store.Ref("alpine:latest"), local, "--platform", "linux/amd64");
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(Amd64ConfigDigest));
            var inspect = DockerCli.MustRun("image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", local).Stdout.Trim();
            Assert.That(inspect, Is.EqualTo("linux/amd64"));
            // The loaded filesystem is alpine's: its one layer's diff ID is the config's.
            var config = JsonDocument.Parse(File.ReadAllBytes(StoreChecker.BlobPath(store.Root, Amd64ConfigDigest))).RootElement;
            var diffIds = config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.That(DockerCli.DiffIds(local), Is.EqualTo(diffIds));
            // A working alpine: it runs.
            var run = DockerCli.MustRun("run", "--rm", "--network", "none", local, "cat", "/etc/alpine-release");
            Assert.That(run.Stdout.Trim(), Is.EqualTo("3.23.3"));
        }
        finally
        {
            DockerCli.RemoveImage(local);
        }
    }

    [Test]
    public void PushingBackAPulledImageUploadsNothing()
    {
        DockerCli.RequireDaemon();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        const string local = "s3lo-e2e/alpine:roundtrip";
        DockerCli.RemoveImage(local);
        DockerCli.RemoveImage(Amd64ConfigDigest);
        try
        {
            Assert.That(S3loBinary.Run("pull", store.Ref("alpine:latest"), local).ExitCode, Is.EqualTo(0));
            var push = S3loBinary.Run("push", local, store.Ref("alpine:mine"), "--output", "json");
            Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
            var result = JsonDocument.Parse(push.Stdout).RootElement;
            Assert.That(result.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));
            Assert.That(result.GetProperty("exported").GetBoolean(), Is.False, "the pull recorded which blob holds the layer");
            var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "alpine", "mine", "manifest.json"))).RootElement;
            Assert.That(manifest.GetProperty("layers")[0].GetProperty("digest").GetString(),
                Is.EqualTo("sha256:589002ba0eaed121a1dbf42f6648f29e5be55d5c8a6ee0f8eaa0285cc21ac153"), "the original alpine layer blob is reused");
        }
        finally
        {
            DockerCli.RemoveImage(local);
        }
    }

    [Test]
    public void PullOfThePlatformWithAMissingBlobNamesItAndLoadsNothing()
    {
        DockerCli.RequireDaemon();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        const string local = "s3lo-e2e/alpine:arm64";
        DockerCli.RemoveImage(local);
        var arm64Manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "alpine", "latest", "manifest.json")))
            .RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "arm64").GetProperty("digest").GetString()!;
        var arm64Config = JsonDocument.Parse(File.ReadAllBytes(StoreChecker.BlobPath(store.Root, arm64Manifest))).RootElement
            .GetProperty("config").GetProperty("digest").GetString()!;

        var r = S3loBinary.Run("pull", store.Ref("alpine:latest"), local, "--platform", "linux/arm64");

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain("sha256:" + MissingArm64Layer));
        Assert.That(DockerCli.ImageExists(local), Is.False, "no tag may be left behind");
        Assert.That(DockerCli.ImageExists(arm64Config), Is.False, "no image may be left behind");
    }

    [Test]
    public void PullOfAnUnknownPlatformListsTheAvailableOnes()
    {
        DockerCli.RequireDaemon();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("pull", store.Ref("alpine:latest"), "s3lo-e2e/alpine:mips", "--platform", "linux/mips64le");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.Stderr, Does.Contain("linux/mips64le"));
        Assert.That(r.Stderr, Does.Contain("linux/amd64").And.Contain("linux/s390x").And.Contain("linux/arm/v7"));
        Assert.That(DockerCli.ImageExists("s3lo-e2e/alpine:mips"), Is.False);
    }

    [Test]
    public void CorruptBlobAbortsThePullNamingBothDigests()
    {
        DockerCli.RequireDaemon();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        const string local = "s3lo-e2e/alpine:corrupt";
        DockerCli.RemoveImage(Amd64ConfigDigest);
        var amd64Layer = JsonDocument.Parse(File.ReadAllBytes(StoreChecker.BlobPath(store.Root,
                "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95")))
            .RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
        var path = StoreChecker.BlobPath(store.Root, amd64Layer);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xff;
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);

        var r = S3loBinary.Run("pull", store.Ref("alpine:latest"), local, "--platform", "linux/amd64");

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.Stderr, Does.Contain("expected " + amd64Layer).And.Contain("got sha256:" + StoreChecker.Sha256Hex(bytes)));
        Assert.That(DockerCli.ImageExists(local), Is.False);
        Assert.That(DockerCli.ImageExists(Amd64ConfigDigest), Is.False);
    }
}
