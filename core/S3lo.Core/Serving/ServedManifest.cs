using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>A manifest or index exactly as stored: its bytes define <see cref="Digest"/>.</summary>
public sealed record ServedManifest(byte[] Bytes, string MediaType, Digest Digest);
