using S3lo.Core.Oci;

namespace S3lo.Core.Serving;

/// <summary>
/// The answer to <c>GET /v2/NAME/referrers/DIGEST</c>: an OCI image index whose manifests are the referrers'
/// descriptors, sorted by digest; <see cref="Filtered"/> when an artifactType filter was applied.
/// </summary>
public sealed record ReferrersList(IReadOnlyList<ReferrerDescriptor> Referrers, bool Filtered)
{
    public const string MediaType = MediaTypes.OciIndex;

    public byte[] ToIndexBytes() => OciJsonWriting.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", 2);
        writer.WriteString("mediaType", MediaType);
        writer.WriteStartArray("manifests");
        foreach (var referrer in Referrers) referrer.WriteTo(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
