using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Bucket;

/// <summary>
/// The transport of one storage scheme (<c>s3://</c>, <c>local://</c>...), made from its provider: the
/// registry builds one per registered provider, so a new scheme needs no transport code of its own.
/// </summary>
/// <param name="rules">The images' rules (immutable tags) a destination obeys; the built-in ones when null.</param>
public sealed class BucketTransport(IObjectStoreProvider provider, BucketReferences references, TimeProvider clock,
    IImageRulesSource? rules = null) : IImageTransport
{
    public string Name => provider.Scheme;

    public string Syntax => $"{provider.Scheme}://BUCKET/IMAGE:TAG";

    public bool Claims(string text) => text.StartsWith(provider.Scheme + "://", StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role)
    {
        var image = references.ParseImage(text);
        if (role == EndRole.Destination && image.Tag is null)
            throw new UsageException($"copy writes a tag; '{text}' names a digest", $"write {image.Location}{image.Repository}:TAG");
        return new BucketTransportReference(this, image);
    }

    public async Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var image = Image(reference);
        var bucket = await OpenBucketAsync(image.Location, session, EndRole.Source, ct).ConfigureAwait(false);
        return session.Own(new BucketImageSource(bucket, image.Repository, image.Tag, image.Digest));
    }

    public async Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var image = Image(reference);
        var bucket = await OpenBucketAsync(image.Location, session, EndRole.Destination, ct).ConfigureAwait(false);
        var imageRules = await (rules ?? IImageRulesSource.BuiltIn).ResolveAsync(bucket.Store, image.Repository, ct).ConfigureAwait(false);
        var destination = session.Own(new BucketImageDestination(bucket, image.Repository, image.Tag!, clock, session.Compression, imageRules, session.Force,
            new PushProvenance(session.Command, session.Source.Describe())));
        await destination.SnapshotTagAsync(ct).ConfigureAwait(false);
        return destination;
    }

    // One bucket opened once per session, so a copy inside a bucket sees one store (and skips every blob).
    private Task<ImageBucket> OpenBucketAsync(BucketLocation location, TransportSession session, EndRole role, CancellationToken ct) =>
        session.SharedAsync(location, async () =>
            new ImageBucket(await provider.OpenAsync(location.Bucket, session.StoreOptionsFor(role), ct).ConfigureAwait(false)));

    private static ImageReference Image(TransportReference reference) =>
        ((BucketTransportReference)reference).Image;
}
