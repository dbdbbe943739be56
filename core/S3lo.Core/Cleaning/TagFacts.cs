namespace S3lo.Core.Cleaning;

/// <summary>What pruning needs to know about one tag.</summary>
/// <param name="PushedAt">The newest push in its history.json, else its manifest.json's last-modified time.</param>
/// <param name="Digest">The tag's root digest (manifest or index).</param>
/// <param name="PlatformDigests">The manifests its index lists (empty for a single-platform image).</param>
public sealed record TagFacts(string Tag, DateTimeOffset PushedAt, string Digest, IReadOnlyList<string> PlatformDigests);
