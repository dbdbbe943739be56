using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Archives;

/// <summary>
/// <c>docker-archive:FILE[:NAME:TAG]</c> as a transfer source: a <c>docker save</c> tar (classic, or the OCI
/// layout of Docker 25+) — every path, digest and diff ID checked, plain layers encoded as the destination
/// wants them, exactly as a push of the same image.
/// </summary>
/// <param name="file">The archive.</param>
/// <param name="repoTag">When given (<c>NAME:TAG</c>), the archive's image must carry this name.</param>
/// <param name="platform">For archives holding several platforms (containerd image store), which one.</param>
public sealed class DockerArchiveSource(string file, string? repoTag = null, PlatformSpec? platform = null) : DockerSaveSource
{
    private IReadOnlyList<string> _repoTags = [];

    public string File { get; } = !string.IsNullOrEmpty(file) ? file : throw new ArgumentException("an archive path is needed", nameof(file));

    public override string Name => $"docker-archive:{File}{(repoTag is null ? "" : ":" + repoTag)}";

    /// <summary>The names the image was saved under, known after <see cref="DockerSaveSource.GetRootAsync"/>.</summary>
    public IReadOnlyList<string> RepoTags => _repoTags;

    private protected override async Task<DockerSaveImage> ReadImageAsync(LayerEncoder encoder, CancellationToken ct)
    {
        FileStream archive;
        try
        {
            archive = new FileStream(File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{Name}: no such file");
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(File))
        {
            throw new S3loException($"{Name}: {File} is a directory", "docker-archive: takes the tar file 'docker save' writes");
        }
        DockerSaveImage image;
        await using (archive)
            image = await ReadSaveAsync(archive, encoder, new Dictionary<Digest, CachedLayer>(), platform, repoTag, ct).ConfigureAwait(false);
        _repoTags = image.RepoTags;
        if (repoTag is not null && !image.RepoTags.Contains(repoTag, StringComparer.Ordinal))
            throw new NotFoundException($"{Name}: the archive's image is not named {repoTag}",
                image.RepoTags.Count == 0 ? "it has no name; leave the name out" : $"it is named {string.Join(", ", image.RepoTags)}");
        return image;
    }
}
