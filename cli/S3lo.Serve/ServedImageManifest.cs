namespace S3lo.Serve;

/// <summary>A manifest <see cref="OneImageServer"/> serves, by its digest only.</summary>
public sealed record ServedImageManifest(string Digest, string MediaType, byte[] Bytes);
