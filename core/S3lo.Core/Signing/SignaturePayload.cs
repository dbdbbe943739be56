using System.Text;
using S3lo.Core.Digests;

namespace S3lo.Core.Signing;

/// <summary>The bytes a signature covers: the manifest digest and a newline, nothing else (s3lo v1's payload).</summary>
public static class SignaturePayload
{
    public static byte[] For(Digest manifest) => Encoding.ASCII.GetBytes(manifest + "\n");

    /// <summary>The digest a payload names, or null when the bytes are not exactly <c>sha256:&lt;hex&gt;\n</c>.</summary>
    public static Digest? Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || payload[^1] != (byte)'\n') return null;
        return Digest.TryParse(Encoding.ASCII.GetString(payload[..^1]), out var digest) ? digest : null;
    }
}
