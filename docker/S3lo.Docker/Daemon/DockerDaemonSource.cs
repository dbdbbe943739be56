using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Streams;
using S3lo.Core.Transfer;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Daemon;

/// <summary>
/// An image in the Docker daemon as a transfer source (push, <c>copy docker-daemon:IMAGE …</c>): its
/// export read as a docker-save tar. The daemon tells the config digest and the layer diff IDs cheaply
/// (inspect); when the destination holds the config and every layer, the image is not even exported.
/// </summary>
public sealed class DockerDaemonSource(DockerClient client, string image, PlatformSpec? platform = null) : DockerSaveSource
{
    // 16 MiB, allocated once: enough to cover a layer's file writes, flat however big the layer.
    private const int ExportReadAheadChunks = 16;

    public override string Name => $"docker-daemon:{image}";

    /// <summary>The daemon's view of the image, known after <see cref="DockerSaveSource.GetRootAsync"/>.</summary>
    public DockerImageInspect? Inspect { get; private set; }

    /// <summary>True when the image had to be exported (false: the destination had every layer).</summary>
    public bool Exported { get; private set; }

    private protected override async Task<DockerSaveImage> ReadImageAsync(LayerEncoder encoder, CancellationToken ct)
    {
        var inspect = await client.InspectImageAsync(image, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"image '{image}' not found in the Docker daemon", "'docker images' lists what is there");
        Inspect = inspect;
        CheckPlatform(inspect);
        var configDigest = Digest.Parse(inspect.Id);
        var diffIds = (inspect.RootFS?.Layers ?? []).Select(Digest.Parse).ToList();

        var reusable = new Dictionary<Digest, CachedLayer>();
        foreach (var diffId in diffIds.Distinct())
        {
            if (await encoder.FindReusableAsync(diffId, ct).ConfigureAwait(false) is { } hit) reusable[diffId] = hit;
        }
        if (reusable.Count == diffIds.Distinct().Count() && await encoder.TryReadConfigAsync(configDigest, ct).ConfigureAwait(false) is { } config)
            return DockerSaveImage.FromStored(config, configDigest, diffIds.Select(d => reusable[d].Blob).ToList());

        Exported = true;
        DockerSaveImage exported;
        // Read ahead: the daemon tars layers from disk and stalls whenever its socket buffer is full, so
        // it keeps producing while a layer is hashed and written here.
        await using (var export = new ReadAheadStream(await client.ExportImageAsync(inspect.Id, null, ct).ConfigureAwait(false), ExportReadAheadChunks))
            exported = await ReadSaveAsync(export, encoder, reusable, null, null, ct).ConfigureAwait(false);
        var exportedConfig = exported.Root.Manifest!.Config.Digest;
        if (exportedConfig != configDigest.ToString())
            throw new DigestMismatchException($"config of '{image}' exported by the daemon", configDigest.ToString(), exportedConfig);
        return exported;
    }

    private void CheckPlatform(DockerImageInspect inspect)
    {
        if (platform is not { } wanted) return;
        var have = new Platform { Os = inspect.Os ?? "", Architecture = inspect.Architecture ?? "", Variant = inspect.Variant };
        if (!wanted.Matches(have))
            throw new S3loException($"image '{image}' in the Docker daemon is {have}, not {wanted}",
                $"pull or build it for {wanted} first, or leave --platform out");
    }
}
