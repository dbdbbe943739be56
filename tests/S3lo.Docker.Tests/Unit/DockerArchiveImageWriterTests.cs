using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Pipelines;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Tests.Archives;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Unit;

/// <summary>
/// What the daemon and docker-archive:FILE destinations share, tested once on the writer itself over a
/// memory stream (the daemon and file tests show it over the load call and a file).
/// </summary>
public sealed class DockerArchiveImageWriterTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _spool = null!;

    [SetUp]
    public void SetUp() => _spool = new TempDir();

    [TearDown]
    public void TearDown() => _spool.Dispose();

    [Test]
    public async Task BlobsArrivingWhileOneIsWrittenAreSpooledAndFollowItAndTheManifestKeepsTheImageOrder()
    {
        var saved = SyntheticImages.Make("early");
        var plan = new PlanBuilder(saved, i => i == 1 ? "gzip" : "none");
        var last = plan.Layers[2];
        var lastBytes = Bytes(plan, last);
        using var output = new MemoryStream();
        using (var writer = new DockerArchiveImageWriter(LoadableImage.From(plan.Plan, "test"), output, _spool.Path, ".spool-", "test"))
        {
            // The image's last layer arrives first and holds the tar: its bytes come through a pipe the
            // test fills only later, as a slow download would.
            var pipe = new Pipe();
            await pipe.Writer.WriteAsync(lastBytes.AsMemory(0, 100));
            var holding = writer.PutBlobAsync(last, pipe.Reader.AsStream(), None);
            var early = new[] { plan.Layers[0], plan.Layers[1] }.Select(d => writer.PutBlobAsync(d, plan.Open(d), None)).ToList();

            // Both early layers are read to their end into spool files while the tar is taken.
            await WaitUntilAsync(() => Directory.GetFiles(_spool.Path).Select(f => new FileInfo(f).Length).Order()
                .SequenceEqual(new[] { plan.Layers[0].Size, plan.Layers[1].Size }.Order()));
            Assert.That(holding.IsCompleted || early.Any(t => t.IsCompleted), Is.False);

            await pipe.Writer.WriteAsync(lastBytes.AsMemory(100));
            await pipe.Writer.CompleteAsync();
            await holding;
            await Task.WhenAll(early);
            await writer.PutBlobAsync(plan.Config, plan.Open(plan.Config), None);
            await writer.CompleteAsync("early:v1", null, None);
            Assert.That(_spool.Files(), Is.Empty, "spool files go once written");
        }

        var names = EntryNames(output.ToArray());
        Assert.That(names[0], Is.EqualTo($"{Hex(last)}/layer.tar"), "the blob that took the tar first is written first");
        Assert.That(names[^1], Is.EqualTo("manifest.json"));
        var written = SavedImage.Parse(output.ToArray());
        Assert.That(written.Layers, Is.EqualTo(new[] { saved.Layers[0], Compress.Gzip(saved.Layers[1]), saved.Layers[2] }), "manifest.json names the layers in the image's order");
        Assert.That(written.Config, Is.EqualTo(saved.Config));
        Assert.That(written.RepoTags, Is.EqualTo(new[] { "early:v1" }));
    }

    [Test]
    public void APlanOfTwoPlatformsIsRefusedNamingThem()
    {
        var amd = new PlanBuilder(SyntheticImages.Make("amd"), _ => "gzip");
        var arm = new PlanBuilder(SyntheticImages.Make("arm"), _ => "gzip");
        var plan = new TransferPlan(amd.Root,
            [new PlannedImage(amd.Root, new Platform { Os = "linux", Architecture = "amd64" }, false),
             new PlannedImage(arm.Root, new Platform { Os = "linux", Architecture = "arm64" }, false)],
            [amd.Config, .. amd.Layers, arm.Config, .. arm.Layers]);

        var e = Assert.Throws<S3loException>(() => LoadableImage.From(plan, "docker-archive:x.tar"));

        Assert.That(e!.Message, Is.EqualTo("docker-archive:x.tar takes one platform, and this image has 2 (linux/amd64, linux/arm64)"));
        Assert.That(e.Hint, Is.EqualTo("pick one with --platform, e.g. --platform linux/amd64"));
    }

    [Test]
    public void AZstdLayerInThePlanIsABugOfTheEngineWhichDecodesForDockerLoad()
    {
        var plan = new PlanBuilder(SyntheticImages.Make("zstd"), i => i == 1 ? "zstd" : "gzip");

        var e = Assert.Throws<InvalidOperationException>(() => LoadableImage.From(plan.Plan, "the Docker daemon"));

        Assert.That(e!.Message, Does.StartWith($"layer {plan.Layers[1].Digest} reached the Docker daemon zstd-compressed"));
        Assert.That(e.Message, Does.Contain("the transfer engine should have decoded it"));
    }

    [Test]
    public async Task AZstdLayerPutIsRefusedAndNothingIsWritten()
    {
        var plan = new PlanBuilder(SyntheticImages.Make("zstd-put"), _ => "none");
        using var output = new MemoryStream();
        using var writer = new DockerArchiveImageWriter(LoadableImage.From(plan.Plan, "test"), output, _spool.Path, ".spool-", "test");
        var zstd = plan.Layers[0] with { MediaType = MediaTypes.OciLayerZstd };

        await using var content = plan.Open(zstd);
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => writer.PutBlobAsync(zstd, content, None));

        Assert.That(e!.Message, Does.StartWith($"layer {zstd.Digest} reached test zstd-compressed: the transfer engine should have decoded it"));
        Assert.That(output.Length, Is.Zero);
    }

    [Test]
    public void AForeignLayerIsRefused()
    {
        var saved = SyntheticImages.Make("foreign", layers: 1);
        var plan = new PlanBuilder(saved, _ => "gzip");
        var foreign = plan.Layers[0] with { MediaType = MediaTypes.DockerForeignLayerGzip, Urls = ["https://example.com/layer"] };
        var root = ManifestBlob.FromManifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = plan.Config, Layers = [foreign] });
        var withForeign = new TransferPlan(root, [new PlannedImage(root, null, false)], [plan.Config, foreign]);

        var e = Assert.Throws<S3loException>(() => LoadableImage.From(withForeign, "the Docker daemon"));

        Assert.That(e!.Message, Is.EqualTo($"layer {foreign.Digest} is a foreign layer (stored elsewhere), which the Docker daemon cannot take"));
    }

    [Test]
    public async Task ABlobThatNeverCameStopsTheCommit()
    {
        var plan = new PlanBuilder(SyntheticImages.Make("missing"), _ => "gzip");
        using var output = new MemoryStream();
        using var writer = new DockerArchiveImageWriter(LoadableImage.From(plan.Plan, "test"), output, _spool.Path, ".spool-", "test");
        foreach (var blob in plan.Plan.Blobs.Where(b => b.Digest != plan.Layers[1].Digest))
            await writer.PutBlobAsync(blob, plan.Open(blob), None);

        var e = Assert.ThrowsAsync<S3loException>(() => writer.CompleteAsync(null, null, None));

        Assert.That(e!.Message, Is.EqualTo($"blob {plan.Layers[1].Digest} never reached test; the image was not written"));
    }

    private static byte[] Bytes(PlanBuilder plan, Descriptor descriptor)
    {
        using var stream = plan.OpenRaw(descriptor);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Hex(Descriptor descriptor) => Digest.Parse(descriptor.Digest).Hex;

    private static List<string> EntryNames(byte[] tar)
    {
        var names = new List<string>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new AssertionException("timed out waiting for the spool files");
            await Task.Delay(20);
        }
    }
}
