using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>
/// The OCI empty descriptor's blob, <c>{}</c>: the config (and the one layer) of artifacts with no content
/// of their own, such as the signature artifacts this server presents. Served from memory when the bucket
/// does not have it, so every such artifact pulls.
/// </summary>
public static class EmptyBlob
{
    public const string MediaType = "application/vnd.oci.empty.v1+json";
    public const string DigestText = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    public static Digest Digest { get; } = Digest.Parse(DigestText);

    public static ReadOnlyMemory<byte> Bytes { get; } = "{}"u8.ToArray();
}
