using System.Globalization;
using System.Text;
using S3lo.Core.Oci;
using S3lo.Core.Signing;

namespace S3lo.Core.Serving;

/// <summary>
/// An s3lo tag signature (<c>manifests/NAME/TAG/signatures/KEYID.json</c>) presented as an OCI 1.1 artifact,
/// so that it shows up in the referrers of the digest it signs: an image manifest of artifact type
/// <see cref="ArtifactType"/> whose config and only layer are the empty blob, whose subject is the tag's
/// manifest, and whose annotations carry the signature file as it is stored (<see cref="FileAnnotation"/>).
/// Nothing is written to the bucket: the manifest is rebuilt from the signature file on every read, byte
/// for byte the same, so its digest is stable for as long as the file and the tag stay as they are.
/// </summary>
public static class SignatureArtifact
{
    public const string ArtifactType = "application/vnd.s3lo.signature.v1+json";
    public const string FileAnnotation = "dev.s3lo.signature";
    public const string KeyIdAnnotation = "dev.s3lo.signature.keyid";
    public const string TagAnnotation = "dev.s3lo.signature.tag";
    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>
    /// The artifact for one signature file of <paramref name="tag"/>, whose manifest is <paramref name="subject"/>;
    /// null when the file is damaged or signs another digest (a signature left from before the tag moved).
    /// </summary>
    public static (ServedManifest Manifest, ReferrerDescriptor Descriptor)? For(string tag, ServedManifest subject, string keyId, byte[] file)
    {
        var stored = TagSignatures.Parse(keyId, file);
        if (stored.Document is not { } document || stored.Problem is not null || document.Digest != subject.Digest.ToString()) return null;
        IReadOnlyList<KeyValuePair<string, string>> annotations =
        [
            new(FileAnnotation, Encoding.UTF8.GetString(file)),
            new(KeyIdAnnotation, keyId),
            new(TagAnnotation, tag),
            new(CreatedAnnotation, document.SignedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        ];
        var bytes = OciJsonWriting.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciManifest);
            writer.WriteString("artifactType", ArtifactType);
            writer.WritePropertyName("config");
            WriteEmpty(writer);
            writer.WriteStartArray("layers");
            WriteEmpty(writer);
            writer.WriteEndArray();
            writer.WriteStartObject("subject");
            writer.WriteString("mediaType", subject.MediaType);
            writer.WriteString("digest", subject.Digest.ToString());
            writer.WriteNumber("size", subject.Bytes.LongLength);
            writer.WriteEndObject();
            writer.WriteStartObject("annotations");
            foreach (var (key, value) in annotations) writer.WriteString(key, value);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
        var manifest = new ServedManifest(bytes, MediaTypes.OciManifest, Digests.Digest.Compute(bytes));
        return (manifest, new ReferrerDescriptor(MediaTypes.OciManifest, manifest.Digest, bytes.LongLength, ArtifactType, annotations));
    }

    private static void WriteEmpty(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", EmptyBlob.MediaType);
        writer.WriteString("digest", EmptyBlob.DigestText);
        writer.WriteNumber("size", EmptyBlob.Bytes.Length);
        writer.WriteEndObject();
    }
}
