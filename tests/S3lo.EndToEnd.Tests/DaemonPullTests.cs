using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// pull through the daemon's own puller (a throwaway registry on 127.0.0.1 serving the image by digest),
/// through the published binary and the real daemon: the pushed image ID arrives, and no temporary
/// <c>127.0.0.1:PORT/s3lo-pull-…</c> name is left, whether the pull succeeded or failed.
/// </summary>
[NonParallelizable]
public sealed class DaemonPullTests
{
    private const string Image = "s3lo-e2e/daemonpull:src";
    private const string Local = "s3lo-e2e/daemonpull:pulled";
    private const string ViaDaemon = "the daemon pulled sha256:";

    private string _id = "";
    private string _saved = "";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 31, extraLayers: 2, layerBytes: 1_000_000);
        _id = DockerCli.ImageId(Image);
        // A failed pull leaves no image: the source image comes back from this tar, the same ID.
        _saved = Path.Combine(Path.GetTempPath(), $"s3lo-e2e-daemonpull-{Guid.NewGuid():N}.tar");
        DockerCli.MustRun("save", "-o", _saved, Image);
    }

    [OneTimeTearDown]
    public void RemoveImage()
    {
        DockerCli.RemoveImage(Image, Local);
        File.Delete(_saved);
    }

    [TestCase("gzip")]
    [TestCase("zstd")]
    [TestCase("none")]
    public void PullFromALocalStoreIsTheDaemonsOwnAndLeavesOnlyTheLocalName(string compression)
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1"), "--compression", compression).ExitCode, Is.EqualTo(0));
        var pull = PullAfresh(() => S3loBinary.Run("pull", store.Ref("app:1"), Local, "--verbose"));

        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(pull.Stderr, Does.Contain(ViaDaemon), pull.ToString);
        Assert.That(pull.StdoutLines[0], Is.EqualTo($"pulled {store.Ref("app:1")} (linux/amd64) as {Local}"));
        Assert.That(pull.StdoutLines[2], Does.StartWith("blobs: 4 loaded ("));
        AssertOnlyTheLocalName();
        Assert.That(DockerCli.ReadFile(Local, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(31 * 100 + 2, 1_000_000)));
    }

    [Test]
    public void GzipLayersDecodedForTheDaemonGiveTheSameImage()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1"), "--compression", "gzip").ExitCode, Is.EqualTo(0));
        var pull = PullAfresh(() => S3loBinary.Run(["pull", store.Ref("app:1"), Local, "--verbose"],
            new Dictionary<string, string?> { ["S3LO_PULL_GZIP"] = "decode" }, null));

        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(pull.Stderr, Does.Contain(ViaDaemon), pull.ToString);
        AssertOnlyTheLocalName();
        Assert.That(DockerCli.ReadFile(Local, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(31 * 100 + 2, 1_000_000)));
    }

    [Test]
    public void PullFromCephIsTheDaemonsOwn()
    {
        using var bucket = S3Server.CreateBucket();
        Assert.That(S3loBinary.Run("push", Image, bucket.Ref("app:1"), "--endpoint", S3Server.Endpoint).ExitCode, Is.EqualTo(0));
        var pull = PullAfresh(() => S3loBinary.Run("pull", bucket.Ref("app:1"), Local, "--endpoint", S3Server.Endpoint, "--verbose"));

        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(pull.Stderr, Does.Contain(ViaDaemon), pull.ToString);
        AssertOnlyTheLocalName();
    }

    [Test]
    public void PullViaLoadWhenAskedGivesTheSameImage()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var pull = PullAfresh(() => S3loBinary.Run(["pull", store.Ref("app:1"), Local, "--verbose"],
            new Dictionary<string, string?> { ["S3LO_PULL_VIA"] = "load" }, null));

        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(pull.Stderr, Does.Not.Contain(ViaDaemon), pull.ToString);
        AssertOnlyTheLocalName();
    }

    [Test]
    public void ACorruptLayerFailsThePullNamingBothDigestsAndLeavesNoName()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "manifest.json"))).RootElement;
        var layer = manifest.GetProperty("layers")[2].GetProperty("digest").GetString()!;
        var path = StoreChecker.BlobPath(store.Root, layer);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xff;
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);

        var imageLeft = true;
        var pull = PullAfresh(() =>
        {
            var run = S3loBinary.Run("pull", store.Ref("app:1"), Local);
            imageLeft = DockerCli.ImageExists(_id);
            return run;
        });

        Assert.That(pull.ExitCode, Is.EqualTo(1), pull.ToString);
        Assert.That(pull.StderrLines[0], Does.StartWith("error: "));
        Assert.That(pull.Stderr, Does.Contain("expected " + layer).And.Contain("got sha256:" + StoreChecker.Sha256Hex(bytes)));
        Assert.That(DockerCli.ImageExists(Local), Is.False);
        Assert.That(imageLeft, Is.False, "no image may be left behind");
        Assert.That(LoopbackNames(), Is.Empty);
    }

    [Test]
    public void AMissingLayerFailsThePullNamingItAndLeavesNoName()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "manifest.json"))).RootElement;
        var layer = manifest.GetProperty("layers")[1].GetProperty("digest").GetString()!;
        var path = StoreChecker.BlobPath(store.Root, layer);
        File.SetAttributes(path, FileAttributes.Normal);
        File.Delete(path);

        var pull = PullAfresh(() => S3loBinary.Run("pull", store.Ref("app:1"), Local));

        Assert.That(pull.ExitCode, Is.EqualTo(1), pull.ToString);
        Assert.That(pull.StderrLines[0], Does.StartWith("error: ").And.Contain(layer));
        Assert.That(DockerCli.ImageExists(Local), Is.False);
        Assert.That(LoopbackNames(), Is.Empty);
    }

    [Test]
    public void AnImageTheDaemonHasIsOnlyTagged()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        DockerCli.RemoveImage(Local);
        var pull = S3loBinary.Run("pull", store.Ref("app:1"), Local);
        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(pull.StdoutLines[2], Is.EqualTo("the daemon already had this image; tagged it"));
        Assert.That(DockerCli.ImageId(Local), Is.EqualTo(_id));
    }

    [Test]
    public void CtrlCDuringTheDaemonsPullLeavesNoName()
    {
        // One layer big enough that the pull is still going when its first bytes are reported.
        const string big = "s3lo-e2e/daemonpull:big";
        const string bigLocal = "s3lo-e2e/daemonpull:big-pulled";
        using var store = new TempStore();
        DockerCli.Import(big, new Dictionary<string, byte[]> { ["data/big.bin"] = TestImages.RandomBytes(33, 200_000_000) });
        var bigId = DockerCli.ImageId(big);
        try
        {
            Assert.That(S3loBinary.Run("push", big, store.Ref("big:1"), "--compression", "none").ExitCode, Is.EqualTo(0));
            DockerCli.RemoveImage(big, bigLocal);
            var start = new ProcessStartInfo(S3loBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "pull", store.Ref("big:1"), bigLocal, "--verbose" }) start.ArgumentList.Add(a);
            using var s3lo = Process.Start(start)!;
            var stdout = s3lo.StandardOutput.ReadToEndAsync();
            var stderr = new StringBuilder();
            // The daemon's first "Downloading" message of the layer is logged as its copy starting.
            while (s3lo.StandardError.ReadLine() is { } line)
            {
                stderr.AppendLine(line);
                if (line.Contains("copy sha256:", StringComparison.Ordinal)) break;
            }
            using (var kill = Process.Start("kill", ["-INT", s3lo.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            stderr.Append(s3lo.StandardError.ReadToEnd());

            Assert.That(s3lo.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "s3lo stops on SIGINT");
            Assert.That(s3lo.ExitCode, Is.EqualTo(130), stderr.ToString);
            Assert.That(stderr.ToString(), Does.Not.Contain("loading the image instead"), "the daemon was pulling");
            Assert.That(stdout.Result, Is.Empty);
            Assert.That(DockerCli.ImageExists(bigLocal), Is.False);
            Assert.That(DockerCli.ImageExists(bigId), Is.False, "the daemon's pull was stopped");
            Assert.That(LoopbackNames(), Is.Empty);
        }
        finally
        {
            DockerCli.RemoveImage(big, bigLocal);
        }
    }

    /// <summary>Runs the pull with the image gone from the daemon, and names it <see cref="Image"/> again afterwards.</summary>
    private RunResult PullAfresh(Func<RunResult> pull)
    {
        DockerCli.RemoveImage(Local, Image);
        Assert.That(DockerCli.ImageExists(_id), Is.False, "the image must be gone from the daemon before the pull");
        try
        {
            return pull();
        }
        finally
        {
            if (DockerCli.ImageExists(_id)) DockerCli.MustRun("tag", _id, Image);
            else DockerCli.MustRun("load", "-i", _saved);
        }
    }

    private void AssertOnlyTheLocalName()
    {
        Assert.That(DockerCli.ImageId(Local), Is.EqualTo(_id));
        var names = DockerCli.MustRun("image", "inspect", "--format", "{{json .RepoTags}} {{json .RepoDigests}}", _id).Stdout.Trim();
        Assert.That(names, Is.EqualTo($"[\"{Image}\",\"{Local}\"] []").Or.EqualTo($"[\"{Local}\",\"{Image}\"] []"));
        Assert.That(LoopbackNames(), Is.Empty);
    }

    /// <summary>Every name in the daemon that a throwaway registry of a pull gave.</summary>
    private static string[] LoopbackNames() =>
        DockerCli.MustRun("images", "--digests", "--format", "{{.Repository}}:{{.Tag}}@{{.Digest}}").StdoutLines
            .Where(l => l.Contains("s3lo-pull-", StringComparison.Ordinal)).ToArray();
}
