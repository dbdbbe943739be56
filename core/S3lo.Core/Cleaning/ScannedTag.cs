using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>A tag as the walk read it: the manifest.json version, what it references, and when it was pushed.</summary>
internal sealed record ScannedTag(string Repository, string Tag, ObjectInfo Manifest, ManifestReferences Root, DateTimeOffset PushedAt)
{
    public string Name => $"{Repository}:{Tag}";
}
