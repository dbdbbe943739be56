using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Cleaning;

/// <summary>What one manifest or index references: child manifests to walk further, and blobs.</summary>
/// <param name="Children">An index's entries (platform manifests, attestations, nested indexes).</param>
/// <param name="Blobs">A manifest's config and layers (every digest named, for one s3lo cannot parse).</param>
/// <param name="Subject">The manifest this one refers to (OCI referrers), when it names one.</param>
internal sealed record ManifestReferences(Digest Digest, IReadOnlyList<Descriptor> Children, IReadOnlyList<Digest> Blobs, Digest? Subject = null)
{
    /// <summary>
    /// Reads a stored manifest or index. One s3lo cannot parse (an artifact type it does not know, a
    /// damaged one) keeps every digest it names: a blob is never deleted because its reader was puzzled.
    /// </summary>
    public static ManifestReferences Read(byte[] bytes, string what, string? mediaTypeHint, Action<string> warn)
    {
        ManifestBlob blob;
        try
        {
            blob = ManifestBlob.Parse(bytes, what, mediaTypeHint);
        }
        catch (S3loException e)
        {
            warn($"{e.Message}; clean keeps every digest it names");
            return new ManifestReferences(Digest.Compute(bytes), [], EveryDigestIn(bytes));
        }
        if (blob.Index is { } index)
            return new ManifestReferences(blob.Digest, index.Manifests, [], One(index.Subject?.Digest));
        var manifest = blob.Manifest!;
        return new ManifestReferences(blob.Digest, [], Valid([manifest.Config.Digest, .. manifest.Layers.Select(l => l.Digest)]),
            One(manifest.Subject?.Digest));
    }

    private static List<Digest> Valid(IEnumerable<string?> digests) => digests.Select(One).OfType<Digest>().ToList();

    private static Digest? One(string? text) => Digest.TryParse(text, out var digest) ? digest : null;

    /// <summary>Every string value of a "digest" property, at any depth.</summary>
    internal static List<Digest> EveryDigestIn(byte[] bytes)
    {
        var found = new List<Digest>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            var isDigest = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName) isDigest = reader.ValueTextEquals("digest"u8);
                else if (isDigest && reader.TokenType == JsonTokenType.String && Digest.TryParse(reader.GetString(), out var digest)) found.Add(digest);
                else isDigest = false;
            }
        }
        catch (JsonException)
        {
            // Not JSON past this point: keep what was found before it.
        }
        return found;
    }
}
