using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.Daemon;
using S3lo.Docker.Engine;

namespace S3lo.Docker.Tests.Daemon;

/// <summary>The pull side: blobs streamed into the daemon's image load, tagged only when the load succeeded.</summary>
public sealed class DockerImageDestinationTests
{
    private readonly List<string> _cleanup = [];
    private DockerClient _client = null!;
    private TempDir _temp = null!;

    [SetUp]
    public void Connect()
    {
        _client = new DockerClient();
        _temp = new TempDir("docker");
    }

    [TearDown]
    public void Clean()
    {
        DockerCli.RemoveImage(_cleanup.ToArray());
        _client.Dispose();
        _temp.Dispose();
    }

    [Test]
    public async Task BlobsFedOutOfOrderAndConcurrentlyLoadTheImageAndTagIt()
    {
        var saved = SavedImage.BuildAndRemove("outoforder", copyLayers: 3, bigLayerBytes: 6 * 1024 * 1024);
        var plan = new PlanBuilder(saved, i => i % 2 == 0 ? "gzip" : "none");
        var (repository, tag) = NewTarget();

        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
        {
            await destination.PrepareAsync(plan.Plan, CancellationToken.None);
            Assert.That(await destination.HasBlobAsync(plan.Layers[0], CancellationToken.None), Is.False);

            // Layers 3 and 2 (the big one) before anything else, concurrently (one takes the tar, the other
            // is spooled); then config and layer 1 together; then the rest, each straight into the tar.
            Assert.That(plan.Layers, Has.Count.EqualTo(5));
            await Task.WhenAll(plan.PutAsync(destination, plan.Layers[2]), plan.PutAsync(destination, plan.Layers[1]));
            await Task.WhenAll(plan.PutAsync(destination, plan.Layers[0]), plan.PutAsync(destination, plan.Config));
            await plan.PutAsync(destination, plan.Layers[3]);
            await plan.PutAsync(destination, plan.Layers[4]);
            var commit = await destination.CommitAsync(plan.Root, CancellationToken.None);

            Assert.That(commit.Digest, Is.EqualTo(plan.Root.Digest));
            Assert.That(commit.Unchanged, Is.False);
            Assert.That(commit.PreviousDigest, Is.Null);
        }

        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository}:{tag}")), Is.EqualTo(saved.ConfigDigest));
        Assert.That(DockerCli.DiffIds($"{repository}:{tag}"), Is.EqualTo(saved.DiffIds.Select(d => d.ToString())));
        Assert.That(_temp.Files(), Is.Empty, "temp files are removed");
    }

    [Test]
    public async Task TheTransferEnginePullsIntoTheDaemonWithParallelBlobs()
    {
        var saved = SavedImage.BuildAndRemove("engine", copyLayers: 4);
        var plan = new PlanBuilder(saved, i => i == 2 ? "zstd" : "gzip");
        var source = new MemoryImageSource(plan.Root, plan.OpenRaw);
        var (repository, tag) = NewTarget();

        TransferReport report;
        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
            report = await new TransferEngine().TransferAsync(source, destination, new TransferOptions { Concurrency = 8 }, CancellationToken.None);

        Assert.That(report.BlobsCopied, Is.EqualTo(6));
        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository}:{tag}")), Is.EqualTo(saved.ConfigDigest));
        Assert.That(DockerCli.DiffIds($"{repository}:{tag}"), Is.EqualTo(saved.DiffIds.Select(d => d.ToString())));

        // Pulled again: the daemon has it, so no blob moves and the tag is all that is written.
        var (repository2, tag2) = NewTarget();
        await using (var destination = new DockerImageDestination(_client, repository2, tag2, _temp.Path))
            report = await new TransferEngine().TransferAsync(source, destination, new TransferOptions { Concurrency = 8 }, CancellationToken.None);
        Assert.That(report.BlobsCopied, Is.Zero);
        Assert.That(report.Commit.Unchanged, Is.True);
        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository2}:{tag2}")), Is.EqualTo(saved.ConfigDigest));
    }

    [Test]
    public async Task ABlobStreamThatFailsMidwayAbortsTheLoadAndTagsNothing()
    {
        var saved = SavedImage.BuildAndRemove("broken", copyLayers: 2, bigLayerBytes: 2 * 1024 * 1024);
        var plan = new PlanBuilder(saved, _ => "none");
        var (repository, tag) = NewTarget();

        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
        {
            await destination.PrepareAsync(plan.Plan, CancellationToken.None);
            await plan.PutAsync(destination, plan.Config);
            // Nothing else is being written, so the big layer streams straight into the tar and breaks there.
            var big = plan.Layers[1];
            Assert.That(big.Size, Is.GreaterThan(2 * 1024 * 1024));
            await using var broken = plan.Open(big, failAfter: big.Size / 2);
            await plan.PutAsync(destination, plan.Layers[0]);

            var e = Assert.ThrowsAsync<IOException>(() => destination.PutBlobAsync(big, broken, CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("connection reset by the test"));

            // Anything after the failure fails too.
            Assert.ThrowsAsync<S3loException>(() => plan.PutAsync(destination, plan.Layers[2]));
        }

        Assert.That(DockerCli.ImageExists($"{repository}:{tag}"), Is.False, "no tag after a failed pull");
        Assert.That(await _client.InspectImageAsync(saved.ConfigDigest.ToString(), CancellationToken.None), Is.Null, "and no half-loaded image");
        Assert.That(_temp.Files(), Is.Empty);
    }

    [Test]
    public async Task ADigestMismatchInABlobAbortsTheLoad()
    {
        var saved = SavedImage.BuildAndRemove("mismatch", copyLayers: 1);
        var plan = new PlanBuilder(saved, _ => "gzip");
        var (repository, tag) = NewTarget();
        var layer = plan.Layers[1];

        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
        {
            await destination.PrepareAsync(plan.Plan, CancellationToken.None);
            // Before the config, straight into the tar: the mismatch shows at its end, with the entry cut.
            await using var content = new VerifyingReadStream(plan.OpenRaw(layer), Digest.Parse("sha256:" + new string('a', 64)), layer.Size, "layer 2");
            var e = Assert.ThrowsAsync<DigestMismatchException>(() => destination.PutBlobAsync(layer, content, CancellationToken.None));
            Assert.That(e!.Message, Does.Contain("layer 2"));
            Assert.ThrowsAsync<S3loException>(() => plan.PutAsync(destination, plan.Config));
        }

        Assert.That(DockerCli.ImageExists($"{repository}:{tag}"), Is.False);
        Assert.That(await _client.InspectImageAsync(saved.ConfigDigest.ToString(), CancellationToken.None), Is.Null);
        Assert.That(_temp.Files(), Is.Empty);
    }

    [Test]
    public async Task ALoadTheDaemonRefusesFailsTheCommitAndTagsNothing()
    {
        var saved = SavedImage.BuildAndRemove("refused", copyLayers: 1);
        // Valid blobs, but not the layers the config names: only the daemon can tell.
        var swapped = saved with { Layers = [saved.Layers[1], saved.Layers[0]] };
        var plan = new PlanBuilder(swapped, _ => "gzip");
        var (repository, tag) = NewTarget();

        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
        {
            await destination.PrepareAsync(plan.Plan, CancellationToken.None);
            foreach (var blob in plan.Plan.Blobs) await plan.PutAsync(destination, blob);
            var e = Assert.ThrowsAsync<S3loException>(() => destination.CommitAsync(plan.Root, CancellationToken.None));
            Assert.That(e!.Message, Does.StartWith("the Docker daemon could not load the image:"));
        }

        Assert.That(DockerCli.ImageExists($"{repository}:{tag}"), Is.False);
    }

    [Test]
    public async Task AZstdLayerIsDecodedByTheEngineOnTheWayIntoTheDaemon()
    {
        var saved = SavedImage.BuildAndRemove("zstd", copyLayers: 2);
        var plan = new PlanBuilder(saved, i => i == 1 ? "zstd" : "gzip");
        Assert.That(plan.Layers[1].MediaType, Is.EqualTo(MediaTypes.OciLayerZstd));
        var (repository, tag) = NewTarget();

        await using (var source = new MemoryImageSource(plan.Root, plan.OpenRaw))
        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
            await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), CancellationToken.None);

        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository}:{tag}")), Is.EqualTo(saved.ConfigDigest));
        Assert.That(DockerCli.DiffIds($"{repository}:{tag}"), Is.EqualTo(saved.DiffIds.Select(d => d.ToString())));
    }

    [Test]
    public async Task AnImageTheDaemonAlreadyHasIsOnlyTagged()
    {
        var name = TestImages.Build("present", copyLayers: 1);
        _cleanup.Add(name);
        var saved = SavedImage.Parse(TestImages.Save(name));
        var plan = new PlanBuilder(saved, _ => "gzip");
        var (repository, tag) = NewTarget();

        await using (var destination = new DockerImageDestination(_client, repository, tag, _temp.Path))
        {
            await destination.PrepareAsync(plan.Plan, CancellationToken.None);
            foreach (var blob in plan.Plan.Blobs)
                Assert.That(await destination.HasBlobAsync(blob, CancellationToken.None), Is.True, "nothing to transfer");
            var commit = await destination.CommitAsync(plan.Root, CancellationToken.None);
            Assert.That(commit.Unchanged, Is.True);
        }

        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository}:{tag}")), Is.EqualTo(saved.ConfigDigest));
    }

    [Test]
    public async Task APlanWithTwoPlatformsIsRefused()
    {
        var saved = SavedImage.BuildAndRemove("twoplatforms", copyLayers: 0);
        var plan = new PlanBuilder(saved, _ => "gzip");
        var arm = new PlannedImage(plan.Root, new Platform { Os = "linux", Architecture = "arm64" }, false);
        var twoPlatforms = plan.Plan with { Images = [plan.Plan.Images[0], arm] };
        var (repository, tag) = NewTarget();

        await using var destination = new DockerImageDestination(_client, repository, tag, _temp.Path);
        var e = Assert.ThrowsAsync<S3loException>(() => destination.PrepareAsync(twoPlatforms, CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo("the Docker daemon takes one platform, and this image has 2 (linux/amd64, linux/arm64)"));
        Assert.That(e.Hint, Is.EqualTo("pick one with --platform, e.g. --platform linux/amd64"));
    }

    private (string Repository, string Tag) NewTarget()
    {
        var name = TestImages.NewName("pulled");
        _cleanup.Add(name);
        return (name.Split(':')[0], "t");
    }
}
