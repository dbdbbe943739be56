using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Statistics;

/// <summary>What one stored manifest names, with the sizes its descriptors declare (−1: unknown).</summary>
/// <param name="Children">An index's entries: manifests to read and walk further.</param>
/// <param name="Blobs">A manifest's config and layers.</param>
/// <param name="Layers">The layers among <paramref name="Blobs"/> (for the layer ranking).</param>
internal sealed record ManifestNode(IReadOnlyList<Descriptor> Children, IReadOnlyList<(string Hex, long Size)> Blobs, IReadOnlyList<string> Layers)
{
    /// <summary>One s3lo cannot parse keeps every digest it names, as clean does, sizes unknown.</summary>
    public static ManifestNode Read(byte[] bytes, string what, Action<string> warn)
    {
        ManifestBlob blob;
        try
        {
            blob = ManifestBlob.Parse(bytes, what);
        }
        catch (S3loException e)
        {
            warn($"{e.Message}; stats counts every digest it names");
            return new ManifestNode([], [.. Cleaning.ManifestReferences.EveryDigestIn(bytes).Select(d => (d.Hex, -1L))], []);
        }
        if (blob.Index is { } index) return new ManifestNode(index.Manifests, [], []);
        var manifest = blob.Manifest!;
        var layers = manifest.Layers.Select(Valid).OfType<(string, long)>().ToList();
        var blobs = new List<(string, long)>(layers.Count + 1);
        if (Valid(manifest.Config) is { } config) blobs.Add(config);
        blobs.AddRange(layers);
        return new ManifestNode([], blobs, [.. layers.Select(l => l.Item1)]);
    }

    private static (string, long)? Valid(Descriptor descriptor) =>
        Digest.TryParse(descriptor.Digest, out var digest) ? (digest.Hex, descriptor.Size) : null;
}
