namespace S3lo.Core.Signing;

/// <summary>
/// A signature file as found beside a tag: its raw bytes (copied byte-exact between buckets) and, when they
/// parse, the document; otherwise <see cref="Problem"/> says why not.
/// </summary>
public sealed record StoredSignature(string KeyId, byte[] Bytes, SignatureDocument? Document, string? Problem);
