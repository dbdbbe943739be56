using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>The image an archive's metadata describes, with each layer tied to the archive file holding it.</summary>
internal sealed record MappedImage(
    DockerArchiveFormat Format,
    byte[] Config,
    Digest ConfigDigest,
    IReadOnlyList<MappedLayer> Layers,
    IReadOnlyList<string> RepoTags);

internal sealed record MappedLayer(Digest DiffId, Digest BlobDigest, string MediaType, ArchiveFile File);
