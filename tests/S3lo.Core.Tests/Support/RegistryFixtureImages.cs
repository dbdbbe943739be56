using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// The fixture's real multi-arch alpine, copied to a temp local store, plus a tag "alpine:present"
/// whose index keeps only the platforms (and their attestations) whose blobs are all in the store —
/// the fixture lacks the linux/arm64 layer on purpose. That index is rewritten, so its digest differs
/// from Docker Hub's.
/// </summary>
internal sealed class RegistryFixtureImages : IAsyncDisposable
{
    public const string PresentTag = "present";
    private readonly TempDir _dir;

    private RegistryFixtureImages(TempDir dir, ImageBucket bucket, ManifestBlob presentIndex, IReadOnlyList<string> droppedDigests)
    {
        _dir = dir;
        Bucket = bucket;
        PresentIndex = presentIndex;
        DroppedDigests = droppedDigests;
    }

    public ImageBucket Bucket { get; }

    /// <summary>The reduced index tagged alpine:present.</summary>
    public ManifestBlob PresentIndex { get; }

    /// <summary>Index entries left out (the arm64 manifest and its attestation).</summary>
    public IReadOnlyList<string> DroppedDigests { get; }

    public static async Task<RegistryFixtureImages> CreateAsync()
    {
        var dir = new TempDir("registry-fixture");
        FixtureStore.CopyTo(dir.Path);
        var bucket = new ImageBucket(new LocalObjectStore(dir.Path));
        var root = (await bucket.ReadTagAsync(FixtureStore.Repository, FixtureStore.Tag, CancellationToken.None))!.Manifest;

        var incomplete = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in root.Index!.Manifests)
        {
            var bytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(entry.Digest)), CancellationToken.None);
            var manifest = ManifestBlob.Parse(bytes, entry.Digest, entry.MediaType).Manifest!;
            foreach (var blob in manifest.Layers.Append(manifest.Config))
            {
                if (await bucket.HeadBlobAsync(Digest.Parse(blob.Digest), CancellationToken.None) is null) incomplete.Add(entry.Digest);
            }
        }
        var node = JsonNode.Parse(root.Bytes)!;
        var manifests = node["manifests"]!.AsArray();
        var dropped = new List<string>();
        foreach (var item in manifests.ToList())
        {
            var digest = item!["digest"]!.GetValue<string>();
            var refersTo = item["annotations"]?["vnd.docker.reference.digest"]?.GetValue<string>();
            if (incomplete.Contains(digest) || (refersTo is not null && incomplete.Contains(refersTo)))
            {
                manifests.Remove(item);
                dropped.Add(digest);
            }
        }
        var reduced = ManifestBlob.Parse(
            JsonSerializer.SerializeToUtf8Bytes(node, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            "reduced fixture index");
        await bucket.WriteTagAsync(FixtureStore.Repository, PresentTag, reduced, WriteCondition.None, CancellationToken.None);
        return new RegistryFixtureImages(dir, bucket, reduced, dropped);
    }

    public async ValueTask DisposeAsync()
    {
        await Bucket.DisposeAsync();
        _dir.Dispose();
    }
}
