using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Docker.SaveFormat;

/// <summary>What the archive readers need from an image config: its diff IDs, validated.</summary>
internal static class ArchiveConfig
{
    public static IReadOnlyList<Digest> DiffIds(byte[] config)
    {
        var parsed = OciJson.ParseConfig(config, "the image config in the archive");
        var diffIds = parsed.RootFs?.DiffIds ?? [];
        var result = new List<Digest>(diffIds.Count);
        foreach (var text in diffIds)
        {
            if (!Digest.TryParse(text, out var digest))
                throw new S3loException($"the image config in the archive has an invalid diff ID '{text}'");
            result.Add(digest);
        }
        return result;
    }

    public static Platform Platform(byte[] config) =>
        OciJson.ParseConfig(config, "the image config in the archive").ToPlatform();
}
