using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// The image a <c>docker save</c> tar holds (the first one, when it holds several): the config byte-exact
/// (its sha256 is the image ID), the layers in order, and the names that image was saved under.
/// </summary>
public sealed record DockerArchiveContents(
    DockerArchiveFormat Format,
    byte[] ConfigBytes,
    Digest ConfigDigest,
    IReadOnlyList<ArchiveLayer> Layers,
    IReadOnlyList<string> RepoTags);
