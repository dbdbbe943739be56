using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transfer;

/// <summary>Layers an image-building source encodes before its root is known (a push exporting) are uploaded meanwhile.</summary>
public sealed class EarlyUploadTests
{
    private string _root = "";

    [SetUp]
    public void CreateStore() => _root = Directory.CreateTempSubdirectory("s3lo-early-").FullName;

    [TearDown]
    public void RemoveStore() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task BlobsReadyBeforeTheRootAreInTheBucketBeforeTheRootIsKnown()
    {
        var bucket = new ImageBucket(new LocalObjectStore(_root));
        var source = new SlowRootSource(bucket);
        // Stored plain, so the stored blob is the layer's own bytes.
        await using var destination = new BucketImageDestination(bucket, "app", "1", TimeProvider.System, LayerCompression.None);

        var report = await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), CancellationToken.None);

        Assert.That(source.LayerWasStoredBeforeRoot, Is.True, "the layer went up while the root was still being built");
        Assert.That(report.BlobsCopied, Is.EqualTo(2), "layer (early) and config (after the root)");
        var stored = await bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Compute(SlowRootSource.Layer)), CancellationToken.None);
        Assert.That(stored, Is.EqualTo(SlowRootSource.Layer));
        var tag = await bucket.ReadTagAsync("app", "1", CancellationToken.None);
        Assert.That(tag?.Manifest.Digest, Is.EqualTo(report.Digest), "the tag names the manifest the transfer wrote");
        Assert.That(tag!.Manifest.Manifest!.Layers.Single().Digest, Is.EqualTo(Digest.Compute(SlowRootSource.Layer).ToString()));
    }

    [Test]
    public async Task AFailingEarlyUploadStopsTheSourceAndWritesNoTag()
    {
        var bucket = new ImageBucket(new LocalObjectStore(_root));
        var source = new SlowRootSource(bucket);
        await using var destination = new FailingUploads(new BucketImageDestination(bucket, "app", "1", TimeProvider.System, LayerCompression.None));

        Assert.That(async () => await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), CancellationToken.None),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("the upload broke"));
        Assert.That(source.RootWasCancelled, Is.True, "the source stops instead of finishing a doomed export");
        Assert.That(await bucket.ReadTagAsync("app", "1", CancellationToken.None), Is.Null);
    }

    /// <summary>Encodes its layer at once, then builds its root only when the layer is stored (or gives up).</summary>
    private sealed class SlowRootSource(ImageBucket bucket) : IImageSource, ILayerTarSource
    {
        public static readonly byte[] Layer = "a layer that is ready early"u8.ToArray();
        private static readonly byte[] Config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        private readonly Descriptor _config = new() { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(Config).ToString(), Size = Config.Length };
        private LayerEncoder? _encoder;

        public bool LayerWasStoredBeforeRoot { get; private set; }
        public bool RootWasCancelled { get; private set; }
        public string Name => "slow-root";

        public void EncodeLayersWith(LayerEncoder encoder) => _encoder = encoder;

        public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
        {
            try
            {
                Descriptor layer;
                await using (var encoding = _encoder!.Begin(Layer.Length))
                {
                    await encoding.Input.WriteAsync(Layer, ct);
                    layer = await encoding.CompleteAsync(Digest.Compute(Layer), ct);
                }
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (!await bucket.HasBlobAsync(Digest.Parse(layer.Digest), layer.Size, ct))
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException("the early blob never arrived");
                    await Task.Delay(10, ct);
                }
                LayerWasStoredBeforeRoot = true;
                return ManifestBlob.FromManifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = _config, Layers = [layer] });
            }
            catch (OperationCanceledException)
            {
                RootWasCancelled = true;
                throw;
            }
        }

        public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.FromResult(true);
        public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.FromResult<Stream>(new MemoryStream(Config));
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A bucket destination whose uploads break (an in-process failure: no real store breaks on cue).</summary>
    private sealed class FailingUploads(BucketImageDestination inner) : IImageDestination
    {
        public string Name => inner.Name;
        public LayerFormats Layers => inner.Layers;
        public bool TakesBlobsBeforePlan => true;
        public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) => inner.HasBlobAsync(descriptor, ct);
        public Task PrepareAsync(TransferPlan plan, CancellationToken ct) => inner.PrepareAsync(plan, ct);
        public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct) => throw new IOException("the upload broke");
        public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct) => inner.PutManifestAsync(manifest, ct);
        public Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct) => inner.CommitAsync(root, ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
