using System.IO.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>
/// What every place an image can live must do as a transfer end (go-containerregistry's
/// <c>pkg/v1/validate</c> is the model): an image written through <see cref="TransferEngine"/> reads
/// back exact, a source that lacks a blob or serves wrong bytes leaves nothing committed, and two
/// transfers to one place both land. Each derived fixture opens its endpoints at a fresh location.
/// </summary>
public abstract class ImageEndpointContract
{
    protected static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A destination that writes <paramref name="tag"/> at this test's location.</summary>
    protected abstract IImageDestination OpenDestination(string tag);

    /// <summary>A source reading <paramref name="tag"/> back from this test's location.</summary>
    protected abstract IImageSource OpenSource(string tag);

    /// <summary>
    /// False where the endpoint stores a different manifest than it was given (docker-archive keeps
    /// config and layer tars, and rebuilds the manifest when read): then config bytes and diff IDs are
    /// compared instead of the root digest.
    /// </summary>
    protected virtual bool KeepsTheManifest => true;

    [Test]
    public async Task ATransferredImageReadsBackExact()
    {
        var image = TestImage.Create(seed: 1);

        var report = await TransferAsync(new TestImageSource(image), "v1");

        Assert.That(report.Digest, Is.EqualTo(image.Root.Digest));
        await AssertReadsBackAsync("v1", image);
    }

    [Test]
    public async Task ABlobTheSourceLacksFailsWithNotFoundNamingItAndNothingIsCommitted()
    {
        var image = TestImage.Create(seed: 2);
        var source = new TestImageSource(image);
        var lacking = image.Manifest.Layers[1].Digest;
        source.Missing.Add(lacking);

        var e = Assert.ThrowsAsync<NotFoundException>(() => TransferAsync(source, "v1"));

        Assert.That(e!.Message, Does.Contain(lacking));
        await AssertNothingCommittedAsync("v1");
    }

    [Test]
    public async Task ABlobThatDoesNotMatchItsDigestFailsWithDigestMismatchAndNothingIsCommitted()
    {
        var image = TestImage.Create(seed: 3);
        var source = new TestImageSource(image);
        var corrupt = image.Manifest.Layers[2].Digest;
        source.Corrupt.Add(corrupt);

        var e = Assert.ThrowsAsync<DigestMismatchException>(() => TransferAsync(source, "v1"));

        Assert.That(e!.Message, Does.Contain(corrupt));
        await AssertNothingCommittedAsync("v1");
    }

    [Test]
    public async Task TwoConcurrentTransfersOfDifferentImagesToOnePlaceBothLand()
    {
        var first = TestImage.Create(seed: 4);
        var second = TestImage.Create(seed: 5);

        var reports = await Task.WhenAll(
            Task.Run(() => TransferAsync(new TestImageSource(first), "first")),
            Task.Run(() => TransferAsync(new TestImageSource(second), "second")));

        Assert.That(reports.Select(r => r.Digest), Is.EqualTo(new[] { first.Root.Digest, second.Root.Digest }));

        await AssertReadsBackAsync("first", first);
        await AssertReadsBackAsync("second", second);
    }

    protected async Task<TransferReport> TransferAsync(IImageSource source, string tag)
    {
        await using var destination = OpenDestination(tag);
        return await new TransferEngine().TransferAsync(source, destination, new TransferOptions { Concurrency = 4 }, None);
    }

    /// <summary>
    /// Reading the tag back fails as a user error (one error line, never a crash): not found, or no
    /// image at all. Derived fixtures check what their commit would have written (a file, an index) too.
    /// </summary>
    protected virtual async Task AssertNothingCommittedAsync(string tag)
    {
        await using var source = OpenSource(tag);
        Assert.That(async () => await source.GetRootAsync(None), Throws.InstanceOf<NotFoundException>(),
            $"{tag} must not be readable after a failed transfer");
    }

    /// <summary>Every blob the stored manifest names is re-read and hashed; the image is the one sent.</summary>
    protected async Task AssertReadsBackAsync(string tag, TestImage image)
    {
        await using var source = OpenSource(tag);
        var root = await source.GetRootAsync(None);
        Assert.That(root.Manifest, Is.Not.Null, "a single-platform image reads back as a manifest");
        if (KeepsTheManifest)
        {
            Assert.That(root.Digest, Is.EqualTo(image.Root.Digest));
            Assert.That(root.Bytes, Is.EqualTo(image.Root.Bytes));
        }
        var manifest = root.Manifest!;
        Assert.That(await ReadBlobAsync(source, manifest.Config), Is.EqualTo(image.Config), "config bytes");
        Assert.That(manifest.Layers, Has.Count.EqualTo(image.Layers.Count));
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var blob = await ReadBlobAsync(source, manifest.Layers[i]);
            if (KeepsTheManifest) Assert.That(blob, Is.EqualTo(image.Layers[i]), $"layer {i + 1} bytes");
            Assert.That(DiffId(blob, manifest.Layers[i].MediaType), Is.EqualTo(image.DiffIds[i]), $"layer {i + 1} diff ID");
        }
    }

    private static async Task<byte[]> ReadBlobAsync(IImageSource source, Descriptor descriptor)
    {
        await using var stream = await source.OpenBlobAsync(descriptor, None);
        var bytes = await Bytes.ReadAllAsync(stream);
        Assert.That(bytes, Has.Length.EqualTo(descriptor.Size), $"size of {descriptor.Digest}");
        Assert.That(Digest.Compute(bytes).ToString(), Is.EqualTo(descriptor.Digest), $"bytes of {descriptor.Digest} hash to it");
        return bytes;
    }

    private static string DiffId(byte[] blob, string mediaType)
    {
        var gzip = MediaTypes.LayerCompressionOf(mediaType) == LayerCompression.Gzip;
        Assert.That(blob is [0x1f, 0x8b, ..], Is.EqualTo(gzip), $"a layer's bytes are what its media type {mediaType} says");
        if (gzip)
        {
            using var decoder = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
            blob = Bytes.ReadAll(decoder);
        }
        return Digest.Compute(blob).ToString();
    }
}
