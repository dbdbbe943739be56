using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// The referrers index: for each manifest with a <c>subject</c>, its descriptor as an OCI image index lists it
/// (mediaType, digest, size, artifactType — the manifest's own, else its config's media type — and
/// annotations), stored at <see cref="BucketLayout.ReferrerKey"/> so the referrers API lists a subject's
/// referrers with one listing and never reads a manifest.
/// </summary>
public static class ReferrerRecords
{
    private static readonly ReferrerJsonContext Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>The descriptor a referrers response lists for <paramref name="manifest"/>.</summary>
    public static Descriptor DescriptorOf(ManifestBlob manifest) => new()
    {
        MediaType = manifest.MediaType,
        Digest = manifest.Digest.ToString(),
        Size = manifest.Size,
        ArtifactType = manifest.Manifest is { } image ? image.ArtifactType ?? image.Config.MediaType : manifest.Index?.ArtifactType,
        Annotations = manifest.Manifest?.Annotations ?? manifest.Index?.Annotations,
    };

    public static byte[] Serialize(Descriptor descriptor) => JsonSerializer.SerializeToUtf8Bytes(descriptor, Json.Descriptor);

    public static async Task WriteAsync(ImageBucket bucket, Digest subject, ManifestBlob manifest, CancellationToken ct)
    {
        var bytes = Serialize(DescriptorOf(manifest));
        using var content = new MemoryStream(bytes, writable: false);
        await bucket.Store.PutAsync(BucketLayout.ReferrerKey(subject, manifest.Digest), content, bytes.Length, PutOptions.Metadata, ct)
            .ConfigureAwait(false);
    }
}

[JsonSerializable(typeof(Descriptor))]
internal sealed partial class ReferrerJsonContext : JsonSerializerContext;
