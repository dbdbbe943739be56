using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// After a commit, tells the layer caches what the transfer proved: the destination learns the blobs it
/// now holds for layers encoded here (the next push of them exports and uploads nothing); the source
/// learns diff ID ↔ blob pairs that were checked — decoded here, or loaded by a daemon that checks
/// diff IDs (the next push of a pulled image uploads nothing, the next pull decodes in the stream).
/// Best effort: a transfer with read-only credentials does not fail for it.
/// </summary>
internal static class LayerLearning
{
    public static async Task RecordAsync(IImageSource source, IImageDestination destination, LayerEncoder encoder, LayerDelivery delivery,
        ITransferObserver observer, CancellationToken ct)
    {
        var committed = delivery.Images.SelectMany(i => i.Manifest.Manifest?.Layers ?? []).Select(l => l.Digest).ToHashSet(StringComparer.Ordinal);
        await RecordAsync(destination.LayerCache, destination.Name, encoder.Layers.Where(l => committed.Contains(l.Blob.Digest)), observer, ct).ConfigureAwait(false);
        var proven = destination.ChecksDiffIds ? delivery.Decoded.Concat(delivery.PassedThrough) : delivery.Decoded;
        await RecordAsync(source.LayerCache, source.Name, proven, observer, ct).ConfigureAwait(false);
    }

    private static async Task RecordAsync(ILayerCache? cache, string name, IEnumerable<ProvenLayer> layers, ITransferObserver observer, CancellationToken ct)
    {
        if (cache is null) return;
        try
        {
            foreach (var layer in layers.DistinctBy(l => (l.DiffId, l.Blob.Digest)))
            {
                var compression = MediaTypes.LayerCompressionOf(layer.Blob.MediaType) ?? LayerCompression.None;
                // An entry with the tar size (a push's) is worth more than one without: keep it.
                if (layer.TarSize is null && await cache.FindLayerAsync(layer.DiffId, compression, ct).ConfigureAwait(false) is not null) continue;
                var blob = layer.Blob with { Annotations = null, Urls = null, Platform = null };
                await cache.RecordLayerAsync(layer.DiffId, compression, blob, layer.TarSize, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is S3loException or IOException or UnauthorizedAccessException)
        {
            observer.Message($"note: could not update the layer index of {name}: {e.Message}");
        }
    }
}
