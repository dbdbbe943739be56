using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Endpoints;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Registry;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Docker.Archives;

namespace S3lo.Cli.Hosting;

/// <summary>
/// Turns the references `copy` takes into transfer ends: bucket references, OCI layouts and
/// archives, docker-archive files, and anything else as a registry reference (docker's rules).
/// Owns what it opens until disposed.
/// </summary>
public sealed class CopyEndpoints(BucketOpener buckets, TimeProvider clock, RegistryAccess registries) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Dictionary<BucketLocation, ImageBucket> _open = [];

    public static string Describe(string text) =>
        ReferenceParser.IsBucketReference(text) ? ReferenceParser.ParseImage(text).ToString()
        : ArchiveReference.IsArchiveReference(text) ? ArchiveReference.Parse(text).ToString()
        : RegistryReference.Parse(text).ToString();

    /// <summary>The registry host a reference names (<c>docker.io</c>, <c>127.0.0.1:5000</c>), or null when it is a bucket or an archive.</summary>
    public static string? RegistryOf(string text) =>
        ReferenceParser.IsBucketReference(text) || ArchiveReference.IsArchiveReference(text) ? null : RegistryReference.Parse(text).Registry;

    /// <summary>Checks a reference before any I/O, so bad input fails first and alone.</summary>
    public static void Validate(string text, bool isDestination)
    {
        if (ReferenceParser.IsBucketReference(text))
        {
            var image = ReferenceParser.ParseImage(text);
            if (isDestination && image.Tag is null)
                throw new UsageException($"copy writes a tag; '{text}' names a digest", $"write {image.Location}{image.Repository}:TAG");
        }
        else if (ArchiveReference.IsArchiveReference(text))
        {
            ArchiveReference.Parse(text);
        }
        else if (text.Contains("://", StringComparison.Ordinal) && !text.StartsWith("docker://", StringComparison.Ordinal))
        {
            throw new UsageException($"'{text}' has an unknown scheme",
                "use SCHEME://BUCKET/IMAGE:TAG (s3, gs, az, local), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] or a registry reference like ghcr.io/org/app:1");
        }
        else
        {
            RegistryReference.Parse(text);
        }
    }

    public async Task<IImageSource> OpenSourceAsync(string text, StoreOptions options, PlatformSpec? platform, string? stagingDirectory, CancellationToken ct)
    {
        if (ReferenceParser.IsBucketReference(text))
        {
            var image = ReferenceParser.ParseImage(text);
            var bucket = await OpenBucketAsync(image.Location, options, ct).ConfigureAwait(false);
            return Own(new BucketImageSource(bucket, image.Repository, image.Tag, image.Digest));
        }
        if (!ArchiveReference.IsArchiveReference(text))
            return Own(new RegistryImageSource(RegistryClient.For(RegistryReference.Parse(text), registries.SourceOptions), RegistryReference.Parse(text), ownsClient: true));
        var archive = ArchiveReference.Parse(text);
        return Own<IImageSource>(archive.Kind switch
        {
            ArchiveKind.OciLayout => new OciLayoutSource(archive.Path, archive.Tag),
            ArchiveKind.OciArchive => new OciArchiveSource(archive.Path, archive.Tag),
            _ => new DockerArchiveSource(archive.Path, archive.RepoTag, platform),
        });
    }

    public async Task<IImageDestination> OpenDestinationAsync(string text, StoreOptions options, string? sourceRepoTag, string sourceText, CancellationToken ct)
    {
        var sourceRegistry = !ReferenceParser.IsBucketReference(sourceText) && !ArchiveReference.IsArchiveReference(sourceText)
            ? RegistryReference.Parse(sourceText)
            : null;
        if (ReferenceParser.IsBucketReference(text))
        {
            var image = ReferenceParser.ParseImage(text);
            var bucket = await OpenBucketAsync(image.Location, options, ct).ConfigureAwait(false);
            var destination = Own(new BucketImageDestination(bucket, image.Repository, image.Tag!, clock));
            await destination.SnapshotTagAsync(ct).ConfigureAwait(false);
            return destination;
        }
        if (!ArchiveReference.IsArchiveReference(text))
        {
            var target = RegistryReference.Parse(text);
            // Same registry on both ends: blobs are mounted across repositories, not re-uploaded.
            var mountFrom = sourceRegistry is { } from && from.Registry == target.Registry ? from : null;
            return Own(new RegistryImageDestination(RegistryClient.For(target, registries.DestinationOptions), target, mountFrom, ownsClient: true));
        }
        var archive = ArchiveReference.Parse(text);
        return Own<IImageDestination>(archive.Kind switch
        {
            ArchiveKind.OciLayout => new OciLayoutDestination(archive.Path, archive.Tag),
            ArchiveKind.OciArchive => new OciArchiveDestination(archive.Path, archive.Tag),
            // Without NAME:TAG the archive carries the source's name, so `docker load` tags it.
            _ => new DockerArchiveDestination(archive.Path, archive.RepoTag ?? sourceRepoTag),
        });
    }

    /// <summary>The docker-style name:tag of a source reference, for destinations that want one.</summary>
    public static string? RepoTagOf(string text) =>
        ReferenceParser.IsBucketReference(text) ? (ReferenceParser.ParseImage(text) is { Tag: { } tag } image ? $"{image.Repository}:{tag}" : null)
        : ArchiveReference.IsArchiveReference(text) ? ArchiveReference.Parse(text).RepoTag
        : RegistryReference.Parse(text) is { Tag: { } registryTag } registry ? $"{registry.Registry}/{registry.Repository}:{registryTag}" : null;

    // One bucket opened once, so a copy inside a bucket sees one store (and skips every blob).
    private async Task<ImageBucket> OpenBucketAsync(BucketLocation location, StoreOptions options, CancellationToken ct)
    {
        if (_open.TryGetValue(location, out var open)) return open;
        var bucket = await buckets.OpenAsync(location, options, ct).ConfigureAwait(false);
        _open[location] = bucket;
        _owned.Add(bucket);
        return bucket;
    }

    private T Own<T>(T endpoint) where T : IAsyncDisposable
    {
        _owned.Add(endpoint);
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync().ConfigureAwait(false);
    }
}
