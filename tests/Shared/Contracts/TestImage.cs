using System.Text;
using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>
/// A small single-platform OCI image built in memory: random-file layers as real tars, gzip
/// compressed, a config naming their diff IDs, and the manifest. Deterministic per seed.
/// </summary>
public sealed class TestImage
{
    private TestImage(ManifestBlob root, byte[] config, IReadOnlyList<byte[]> layers, IReadOnlyList<string> diffIds)
    {
        Root = root;
        Config = config;
        Layers = layers;
        DiffIds = diffIds;
        Blobs = new[] { config }.Concat(layers).ToDictionary(b => Digest.Compute(b).ToString(), b => b, StringComparer.Ordinal);
    }

    public ManifestBlob Root { get; }
    public ImageManifest Manifest => Root.Manifest!;
    public byte[] Config { get; }

    /// <summary>The layer blobs (gzip), in manifest order.</summary>
    public IReadOnlyList<byte[]> Layers { get; }

    /// <summary>The digests of the uncompressed layer tars, as the config lists them.</summary>
    public IReadOnlyList<string> DiffIds { get; }

    /// <summary>Config and layers by digest.</summary>
    public IReadOnlyDictionary<string, byte[]> Blobs { get; }

    public static TestImage Create(int seed, int layerCount = 3, int layerBytes = 64 * 1024)
    {
        var tars = Enumerable.Range(0, layerCount).Select(i => TarFiles.One($"data/layer{i}.bin", Bytes.Random(layerBytes + i, seed * 100 + i))).ToList();
        var diffIds = tars.Select(t => Digest.Compute(t).ToString()).ToList();
        var layers = tars.Select(Compress.Gzip).ToList();
        var config = Encoding.UTF8.GetBytes(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"SEED=" + seed + "\"]}," +
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + string.Join(",", diffIds.Select(d => $"\"{d}\"")) + "]}}");
        var manifest = ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = Describe(config, MediaTypes.OciConfig),
            Layers = layers.Select(l => Describe(l, MediaTypes.OciLayerGzip)).ToList(),
        });
        return new TestImage(manifest, config, layers, diffIds);
    }

    private static Descriptor Describe(byte[] blob, string mediaType) =>
        new() { MediaType = mediaType, Digest = Digest.Compute(blob).ToString(), Size = blob.Length };
}
