using System.Threading.Channels;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Endpoints;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transfer;

/// <summary>A source that has blobs before its root (a push compressing while exporting) gets them uploaded meanwhile.</summary>
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
        await using var destination = new BucketImageDestination(bucket, "app", "1", TimeProvider.System);

        var report = await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), CancellationToken.None);

        Assert.That(source.LayerWasStoredBeforeRoot, Is.True, "the layer went up while the root was still being built");
        Assert.That(report.BlobsCopied, Is.EqualTo(2), "layer (early) and config (after the root)");
        var stored = await bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Compute(SlowRootSource.Layer)), CancellationToken.None);
        Assert.That(stored, Is.EqualTo(SlowRootSource.Layer));
        Assert.That(await bucket.ReadTagAsync("app", "1", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task AFailingEarlyUploadStopsTheSourceAndWritesNoTag()
    {
        var bucket = new ImageBucket(new LocalObjectStore(_root));
        var source = new SlowRootSource(bucket) { CorruptLayer = true };
        await using var destination = new BucketImageDestination(bucket, "app", "1", TimeProvider.System);

        Assert.That(async () => await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), CancellationToken.None),
            Throws.InstanceOf<Errors.DigestMismatchException>());
        Assert.That(source.RootWasCancelled, Is.True, "the source stops instead of finishing a doomed export");
        Assert.That(await bucket.ReadTagAsync("app", "1", CancellationToken.None), Is.Null);
    }

    /// <summary>Publishes its layer at once, then builds its root only when the layer is stored (or gives up).</summary>
    private sealed class SlowRootSource(ImageBucket bucket) : IImageSource, IEarlyBlobSource
    {
        public static readonly byte[] Layer = "a layer that is ready early"u8.ToArray();
        private static readonly byte[] Config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        private readonly Channel<Descriptor> _ready = Channel.CreateUnbounded<Descriptor>();
        private readonly Descriptor _layer = new() { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(Layer).ToString(), Size = Layer.Length };
        private readonly Descriptor _config = new() { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(Config).ToString(), Size = Config.Length };

        public bool CorruptLayer { get; init; }
        public bool LayerWasStoredBeforeRoot { get; private set; }
        public bool RootWasCancelled { get; private set; }
        public string Name => "slow-root";
        public ChannelReader<Descriptor> ReadyBlobs => _ready.Reader;

        public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
        {
            try
            {
                _ready.Writer.TryWrite(_layer);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (!await bucket.HasBlobAsync(Digest.Parse(_layer.Digest), _layer.Size, ct))
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException("the early blob never arrived");
                    await Task.Delay(10, ct);
                }
                LayerWasStoredBeforeRoot = true;
                return ManifestBlob.FromManifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = _config, Layers = [_layer] });
            }
            catch (OperationCanceledException)
            {
                RootWasCancelled = true;
                throw;
            }
            finally
            {
                _ready.Writer.TryComplete();
            }
        }

        public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.FromResult(true);

        public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
        {
            var bytes = descriptor.Digest == _layer.Digest ? Layer.ToArray() : Config;
            if (CorruptLayer && descriptor.Digest == _layer.Digest) bytes[0] ^= 1;
            return Task.FromResult<Stream>(new MemoryStream(bytes));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
