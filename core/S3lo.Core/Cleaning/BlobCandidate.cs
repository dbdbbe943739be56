namespace S3lo.Core.Cleaning;

/// <summary>An unreachable blob past the grace, classified as a manifest or any other blob.</summary>
internal sealed record BlobCandidate(string Hex, long Size, DateTimeOffset LastModified, CleanCategory Category)
{
    public string Name => "sha256:" + Hex;
}
