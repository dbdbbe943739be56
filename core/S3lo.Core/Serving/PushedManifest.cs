using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>A manifest PUT that landed: its digest, and the subject it refers to (OCI-Subject), if any.</summary>
public sealed record PushedManifest(Digest Digest, Digest? Subject);
