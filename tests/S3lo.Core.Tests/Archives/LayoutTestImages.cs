using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Archives;

/// <summary>
/// Small but real images for layout tests: layers are gzip-compressed tars and configs name their diff IDs,
/// so skopeo takes them as they are (it would recompress layers that are not really gzip).
/// </summary>
internal static class LayoutTestImages
{
    public static byte[] Tar(string fileName, string content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, fileName)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                ModificationTime = DateTimeOffset.UnixEpoch,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            writer.WriteEntry(entry);
        }
        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return buffer.ToArray();
    }

    /// <summary>One platform's image stored in the bucket (config, gzip layers, manifest blob).</summary>
    public static async Task<ManifestBlob> PutImageAsync(ImageBucket bucket, string os, string arch, string? variant, string seed, int layers = 2)
    {
        var builder = new ImageBuilder(bucket);
        var descriptors = new List<Descriptor>();
        var diffIds = new List<string>();
        for (var i = 0; i < layers; i++)
        {
            var tar = Tar($"file{i}.txt", $"{seed} {os}/{arch} layer {i}\n");
            diffIds.Add(Sha.Of(tar));
            descriptors.Add(await builder.PutBlobAsync(Gzip(tar), MediaTypes.OciLayerGzip));
        }
        var variantJson = variant is null ? "" : $",\"variant\":\"{variant}\"";
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{arch}\",\"os\":\"{os}\"{variantJson},\"created\":\"2024-01-01T00:00:00Z\",\"config\":{{}},"
            + $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{string.Join(',', diffIds.Select(d => $"\"{d}\""))}]}}}}");
        var configDescriptor = await builder.PutBlobAsync(config, MediaTypes.OciConfig);
        var manifest = ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = descriptors,
        });
        await builder.PutManifestBlobAsync(manifest);
        return manifest;
    }

    /// <summary>linux/amd64, linux/arm64/v8 and an attestation manifest under one index, tagged repository:tag.</summary>
    public static async Task<ManifestBlob> PutMultiArchAsync(ImageBucket bucket, string repository, string tag, string seed)
    {
        var amd64 = await PutImageAsync(bucket, "linux", "amd64", null, seed);
        var arm64 = await PutImageAsync(bucket, "linux", "arm64", "v8", seed);
        var attestation = await PutImageAsync(bucket, "unknown", "unknown", null, seed, layers: 1);
        var index = ImageBuilder.Index(
            ImageBuilder.Entry(amd64, "linux", "amd64"),
            ImageBuilder.Entry(arm64, "linux", "arm64", "v8"),
            ImageBuilder.Entry(attestation, "unknown", "unknown", annotations: new Dictionary<string, string>
            {
                ["vnd.docker.reference.type"] = "attestation-manifest",
                ["vnd.docker.reference.digest"] = amd64.Digest.ToString(),
            }));
        await new ImageBuilder(bucket).TagAsync(repository, tag, index);
        return index;
    }
}
