using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Tests.Support;

/// <summary>Writes small synthetic images (config, layers, manifests, indexes) into a bucket the way a push would.</summary>
internal sealed class ImageBuilder(ImageBucket bucket)
{
    public async Task<Descriptor> PutBlobAsync(byte[] bytes, string mediaType)
    {
        var digest = Digest.Compute(bytes);
        using var content = new MemoryStream(bytes, writable: false);
        await bucket.PutBlobAsync(digest, content, bytes.Length, CancellationToken.None);
        return new Descriptor { MediaType = mediaType, Digest = digest.ToString(), Size = bytes.Length };
    }

    /// <summary>A single-platform image: its config and layers stored as blobs, its manifest stored as a blob too.</summary>
    public async Task<ManifestBlob> PutImageAsync(string os, string arch, string? variant, int seed, int layerCount = 1, int layerSize = 4096)
    {
        var layers = new List<Descriptor>();
        for (var i = 0; i < layerCount; i++)
            layers.Add(await PutBlobAsync(Bytes.Random(layerSize, seed * 100 + i), MediaTypes.OciLayerGzip));
        var variantJson = variant is null ? "" : $",\"variant\":\"{variant}\"";
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{arch}\",\"os\":\"{os}\"{variantJson},\"created\":\"2024-01-0{seed % 9 + 1}T00:00:00Z\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        var configDescriptor = await PutBlobAsync(config, MediaTypes.OciConfig);
        var manifest = ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = layers,
        });
        await PutManifestBlobAsync(manifest);
        return manifest;
    }

    public async Task PutManifestBlobAsync(ManifestBlob manifest)
    {
        using var content = new MemoryStream(manifest.Bytes, writable: false);
        await bucket.PutBlobAsync(manifest.Digest, content, manifest.Size, CancellationToken.None);
    }

    public static ManifestBlob Index(params Descriptor[] manifests) =>
        ManifestBlob.Parse(OciJson.Serialize(new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = manifests }), "test index");

    public static Descriptor Entry(ManifestBlob manifest, string os, string arch, string? variant = null, IReadOnlyDictionary<string, string>? annotations = null) =>
        manifest.ToDescriptor(new Platform { Os = os, Architecture = arch, Variant = variant }) with { Annotations = annotations };

    public Task TagAsync(string repository, string tag, ManifestBlob root) =>
        bucket.WriteTagAsync(repository, tag, root, WriteCondition.None, CancellationToken.None);

    /// <summary>A multi-arch image tagged at repository:tag: linux/amd64, linux/arm64/v8 and one attestation.</summary>
    public async Task<ManifestBlob> PutMultiArchAsync(string repository, string tag, int seed = 1)
    {
        var amd64 = await PutImageAsync("linux", "amd64", null, seed);
        var arm64 = await PutImageAsync("linux", "arm64", "v8", seed + 1);
        var attestation = await PutImageAsync("unknown", "unknown", null, seed + 2);
        var index = Index(
            Entry(amd64, "linux", "amd64"),
            Entry(arm64, "linux", "arm64", "v8"),
            Entry(attestation, "unknown", "unknown", annotations: new Dictionary<string, string>
            {
                ["vnd.docker.reference.type"] = "attestation-manifest",
                ["vnd.docker.reference.digest"] = amd64.Digest.ToString(),
            }));
        await TagAsync(repository, tag, index);
        return index;
    }
}
