using S3lo.Core.Digests;

namespace S3lo.Core.Registry;

/// <summary>What a HEAD of a manifest tells: its digest (when the registry sends Docker-Content-Digest), media type and size.</summary>
public sealed record RegistryManifestInfo(Digest? Digest, string? MediaType, long? Size);
