using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>A file of an image archive written to disk; <see cref="Digest"/> is the sha256 of those bytes, computed while spooling.</summary>
public sealed record SpooledBlob(Digest Digest, string Path, long Size);
