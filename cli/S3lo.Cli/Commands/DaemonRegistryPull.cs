using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Engine;
using S3lo.Serve;

namespace S3lo.Cli.Commands;

/// <summary>
/// pull through the daemon's own puller: the image is served by digest from a throwaway registry on
/// 127.0.0.1 (<see cref="OneImageServer"/>), the daemon pulls it from there (layers in parallel, each
/// applied as it arrives, where a load unpacks the whole upload first), then it is tagged as the local
/// name and the temporary reference removed. <see cref="TryAsync"/> answers null whenever this path does
/// not fit (a remote daemon, a daemon that cannot reach the loopback server, zstd layers of unknown tar size, a missing blob,
/// an image the daemon has): the caller then loads the image as before, which also words every error.
/// </summary>
internal sealed class DaemonRegistryPull(DockerClient daemon, ILogger logger)
{
    /// <summary><c>S3LO_PULL_VIA=load</c> turns this path off (the docker-save load of every earlier version).</summary>
    public const string EnvironmentVariable = "S3LO_PULL_VIA";

    /// <summary><c>S3LO_PULL_GZIP=decode</c>: serve gzip layers of known tar size decoded, as zstd ones (experimental).</summary>
    public const string GzipEnvironmentVariable = "S3LO_PULL_GZIP";

    private const string RepositoryPrefix = "s3lo-pull-";

    public static bool Enabled(DockerHost host) =>
        host.Kind == DockerHostKind.UnixSocket
        && !string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "load", StringComparison.OrdinalIgnoreCase);

    /// <returns>What was pulled, or null when the load path is to be taken (nothing was left in the daemon).</returns>
    public async Task<TransferReport?> TryAsync(IImageSource source, string repository, string tag, PlatformSpec wanted, ITransferObserver observer, CancellationToken ct)
    {
        if (await SelectAsync(source, wanted, ct).ConfigureAwait(false) is not { } selected) return null;
        var (manifest, config, platforms) = selected;
        var layers = manifest.Manifest!.Layers;
        var configBlob = manifest.Manifest.Config;
        if (layers.Any(l => l.Urls is { Count: > 0 })) return Skip<TransferReport>("a foreign layer");
        var blobs = layers.Prepend(configBlob).DistinctBy(d => d.Digest).ToList();
        foreach (var blob in blobs)
            if (!await source.ContainsBlobAsync(blob, ct).ConfigureAwait(false))
                return Skip<TransferReport>($"blob {blob.Digest} is missing");
        var delivered = new List<Descriptor>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            if (await DeliveredLayerAsync(source, layers[i], Digest.Parse(config.RootFs!.DiffIds[i]), ct).ConfigureAwait(false) is not { } layer)
                return Skip<TransferReport>($"layer {layers[i].Digest} is {layers[i].MediaType} of unknown tar size");
            delivered.Add(layer);
        }
        if (await daemon.InspectImageAsync(configBlob.Digest, ct).ConfigureAwait(false) is { } existing && existing.Id == configBlob.Digest)
            return Skip<TransferReport>("the daemon has the image");

        // zstd layers (Docker before 23 pulls none) go out as their plain tars, under a manifest only this server serves.
        var servedManifest = delivered.SequenceEqual(layers)
            ? new ServedImageManifest(manifest.Digest.ToString(), manifest.MediaType, manifest.Bytes)
            : RewrittenManifest(manifest, delivered);
        Exception? blobFailure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var served = new Dictionary<string, ServedImageBlob>(StringComparer.Ordinal)
        {
            [configBlob.Digest] = new(configBlob.Digest, configBlob.Size, t => OpenVerifiedAsync(source, configBlob, "config", t)),
        };
        for (var i = 0; i < layers.Count; i++)
        {
            var (stored, layer) = (layers[i], delivered[i]);
            served.TryAdd(layer.Digest, new ServedImageBlob(layer.Digest, layer.Size, stored == layer
                ? t => OpenVerifiedAsync(source, stored, "layer", t)
                : async t => new VerifyingReadStream(
                    new DecodedReadStream(await OpenVerifiedAsync(source, stored, "layer", t).ConfigureAwait(false), MediaTypes.LayerCompressionOf(stored.MediaType)!.Value),
                    Digest.Parse(layer.Digest), layer.Size, $"the tar of layer {stored.Digest} from {source.Name}")));
        }
        var name = RepositoryPrefix + OneImageServer.Random(16);
        await using var server = await OneImageServer.StartAsync(name, servedManifest, served,
            e =>
            {
                Interlocked.CompareExchange(ref blobFailure, e, null);
                // The daemon retries a cut download; the first failure ends the pull.
                stop.Cancel();
            }, ct).ConfigureAwait(false);
        var remote = $"{server.Host}/{name}";
        var temporary = $"{remote}@{servedManifest.Digest}";
        var progress = new PullProgress(delivered, observer);
        try
        {
            try
            {
                await daemon.PullImageAsync(remote, servedManifest.Digest, RegistryAuth(server), progress.OnMessage, stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (Volatile.Read(ref blobFailure) is { } failure && e is S3loException or OperationCanceledException or IOException)
            {
                if (failure is S3loException s3lo) throw s3lo;
                throw new S3loException($"reading {source.Name} failed: {failure.Message}", inner: failure);
            }
            catch (Exception e) when (server.BlobsRequested == 0 && !ct.IsCancellationRequested && e is S3loException or IOException)
            {
                // Nothing was fetched, so nothing was applied: the daemon cannot reach 127.0.0.1 here (its own
                // network namespace, a VM) or refused this server; load instead.
                logger.LogDebug("pull: the daemon {Reached} {Host} and fetched nothing ({Reason}); loading the image instead",
                    server.Contacted ? "reached" : "did not reach", server.Host, e.Message);
                return null;
            }
            var pulled = await daemon.InspectImageAsync(temporary, ct).ConfigureAwait(false)
                ?? throw new S3loException($"the Docker daemon reported the pull of {manifest.Digest} done but has no such image");
            if (pulled.Id != configBlob.Digest)
                throw new S3loException($"the Docker daemon pulled image {pulled.Id}, not {configBlob.Digest}; nothing was tagged");
            await daemon.TagImageAsync(pulled.Id, repository, tag, ct).ConfigureAwait(false);
            // The same closing line as a load's, whichever way the image went in.
            observer.ImageDone($"Loaded image: {repository}:{tag}");
            logger.LogDebug("pull: the daemon pulled {Digest} itself from {Host}", servedManifest.Digest, server.Host);
        }
        finally
        {
            await RemoveTemporaryAsync(temporary).ConfigureAwait(false);
        }
        await LearnLayersAsync(source, layers, config, observer, ct).ConfigureAwait(false);
        return new TransferReport(manifest.Digest, manifest.MediaType, platforms, blobs.Count, blobs.Sum(b => b.Size), 0, 0,
            new CommitResult(manifest.Digest, null, Unchanged: false));
    }

    /// <summary>
    /// The layer as the daemon gets it: gzip and plain tars as stored; zstd (and gzip with
    /// <see cref="GzipEnvironmentVariable"/>) as its plain tar (digest the diff ID) when the bucket's diff-ID
    /// index knows the tar's size; a zstd layer of unknown tar size is null (the load path decodes it).
    /// </summary>
    private static async Task<Descriptor?> DeliveredLayerAsync(IImageSource source, Descriptor layer, Digest diffId, CancellationToken ct)
    {
        var compression = MediaTypes.LayerCompressionOf(layer.MediaType);
        if (compression is LayerCompression.None) return layer;
        // Experimental (S3LO_PULL_GZIP=decode): gzip decoded here too, the daemon spared its one-core gunzip.
        var gzipAsIs = compression is LayerCompression.Gzip ? layer : null;
        if (gzipAsIs is not null && Environment.GetEnvironmentVariable(GzipEnvironmentVariable) != "decode") return layer;
        if (compression is not { } other || source.LayerCache is not { } cache) return gzipAsIs;
        var known = await cache.FindLayerAsync(diffId, other, ct).ConfigureAwait(false);
        if (known is not { TarSize: { } tarSize } || known.Blob.Digest != layer.Digest) return gzipAsIs;
        return new Descriptor { MediaType = MediaTypes.OciLayer, Digest = diffId.ToString(), Size = tarSize };
    }

    /// <summary>The manifest with its layers replaced by the delivered ones; everything else (the config, so the image ID) as it was.</summary>
    private static ServedImageManifest RewrittenManifest(ManifestBlob manifest, IReadOnlyList<Descriptor> delivered)
    {
        var json = JsonNode.Parse(manifest.Bytes)!.AsObject();
        var layers = json["layers"]!.AsArray();
        for (var i = 0; i < delivered.Count; i++)
        {
            var layer = layers[i]!.AsObject();
            layer["mediaType"] = delivered[i].MediaType;
            layer["digest"] = delivered[i].Digest;
            layer["size"] = delivered[i].Size;
        }
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        return new ServedImageManifest(Digest.Compute(bytes).ToString(), manifest.MediaType, bytes);
    }

    private static async Task<Stream> OpenVerifiedAsync(IImageSource source, Descriptor blob, string role, CancellationToken ct) =>
        new VerifyingReadStream(await source.OpenBlobAsync(blob, ct).ConfigureAwait(false), Digest.Parse(blob.Digest), blob.Size,
            $"{role} {blob.Digest} from {source.Name}");

    /// <summary>The platform's manifest and its config, as the transfer would pick them; null where it would say more than "pulled".</summary>
    private async Task<SelectedImage?> SelectAsync(IImageSource source, PlatformSpec wanted, CancellationToken ct)
    {
        var root = await source.GetRootAsync(ct).ConfigureAwait(false);
        var manifest = root;
        Platform? platform = null;
        if (root.IsIndex)
        {
            var match = root.Index!.Manifests.FirstOrDefault(d => !PlatformSpec.IsAttestation(d) && d.Platform is not null && wanted.Matches(d.Platform));
            if (match is null) return Skip<SelectedImage>("no manifest for the platform");
            manifest = await source.GetManifestAsync(match, ct).ConfigureAwait(false);
            if (manifest.Digest.ToString() != match.Digest || manifest.IsIndex) return Skip<SelectedImage>("a nested or mismatched manifest");
            platform = match.Platform;
        }
        if (manifest.Manifest is not { } image || !MediaTypes.IsImageConfig(image.Config.MediaType) || image.Config.Size > OciJson.MaxDocumentBytes)
            return Skip<SelectedImage>("not an image manifest");
        if (!await source.ContainsBlobAsync(image.Config, ct).ConfigureAwait(false)) return Skip<SelectedImage>("the config is missing");
        await using var stream = new VerifyingReadStream(await source.OpenBlobAsync(image.Config, ct).ConfigureAwait(false),
            Digest.Parse(image.Config.Digest), image.Config.Size, $"config {image.Config.Digest}");
        using var buffer = new MemoryStream((int)image.Config.Size);
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        var config = OciJson.ParseConfig(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), $"config {image.Config.Digest}");
        if (platform is null)
        {
            // A single-platform image: one for another platform gets the transfer's warning or error instead.
            if (string.IsNullOrEmpty(config.Os)) return Skip<SelectedImage>("a config without os");
            platform = config.ToPlatform();
            if (!wanted.Matches(platform)) return Skip<SelectedImage>("another platform");
        }
        if (config.RootFs?.DiffIds is not { } diffIds || diffIds.Count != image.Layers.Count)
            return Skip<SelectedImage>("diff IDs do not match the layers");
        return new SelectedImage(manifest, config, [platform.ToString()]);
    }

    /// <summary>The pull proved every layer's diff ID (the daemon checks them): the next push of this image uploads nothing.</summary>
    private static async Task LearnLayersAsync(IImageSource source, IReadOnlyList<Descriptor> layers, ImageConfig config, ITransferObserver observer, CancellationToken ct)
    {
        if (source.LayerCache is not { } cache) return;
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var diffId = Digest.Parse(config.RootFs!.DiffIds[i]);
                var compression = MediaTypes.LayerCompressionOf(layers[i].MediaType) ?? LayerCompression.None;
                if (await cache.FindLayerAsync(diffId, compression, ct).ConfigureAwait(false) is not null) continue;
                await cache.RecordLayerAsync(diffId, compression, layers[i] with { Annotations = null, Urls = null, Platform = null }, null, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is S3loException or IOException or UnauthorizedAccessException)
        {
            observer.Message($"note: could not update the layer index of {source.Name}: {e.Message}");
        }
    }

    /// <summary>The daemon's <c>X-Registry-Auth</c>: base64url of the credential's JSON.</summary>
    private static string RegistryAuth(OneImageServer server)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("username", server.User);
            json.WriteString("password", server.Password);
            json.WriteString("serveraddress", server.Host);
            json.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.ToArray()).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Never leaves the temporary name behind: not after a failure, not after Ctrl-C (hence no caller token).</summary>
    private async Task RemoveTemporaryAsync(string temporary)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await daemon.UntagImageAsync(temporary, bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is S3loException or IOException or OperationCanceledException)
        {
            logger.LogDebug("pull: could not remove {Reference}: {Reason}", temporary, e.Message);
        }
    }

    private T? Skip<T>(string reason) where T : class
    {
        logger.LogDebug("pull: loading the image instead of the daemon pulling it: {Reason}", reason);
        return null;
    }

    private sealed record SelectedImage(ManifestBlob Manifest, ImageConfig Config, IReadOnlyList<string> Platforms);

    /// <summary>The daemon's progress lines as transfer events: a layer starts with its first bytes, ends when applied.</summary>
    private sealed class PullProgress(IReadOnlyList<Descriptor> layers, ITransferObserver observer)
    {
        private readonly Dictionary<string, Descriptor> _byShortId = layers.DistinctBy(l => l.Digest)
            .ToDictionary(l => l.Digest[(l.Digest.IndexOf(':') + 1)..][..12], StringComparer.Ordinal);
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);
        private readonly HashSet<string> _loading = new(StringComparer.Ordinal);

        private void Start(Descriptor layer, string id)
        {
            if (!_started.Add(id)) return;
            observer.BlobStarted(layer);
            observer.BlobPhase(layer, TransferPhase.Downloading);
        }

        public void OnMessage(DockerJsonMessage message)
        {
            if (message.Id is not { } id || !_byShortId.TryGetValue(id, out var layer)) return;
            switch (message.Status)
            {
                case "Downloading":
                    Start(layer, id);
                    if (message.ProgressDetail is { Current: > 0 } downloading) observer.BlobProgress(layer, downloading.Current);
                    break;
                case "Download complete" or "Verifying Checksum":
                    Start(layer, id);
                    observer.BlobProgress(layer, layer.Size);
                    break;
                case "Extracting":
                    // The daemon applies the layer as it reads it: the load phase, counted in the blob's bytes.
                    Start(layer, id);
                    if (_loading.Count == 0) observer.ImagePhase(TransferPhase.Loading, "the Docker daemon");
                    if (_loading.Add(id)) observer.BlobPhase(layer, TransferPhase.Loading);
                    if (message.ProgressDetail is { Current: > 0 } extracting) observer.BlobProgress(layer, extracting.Current);
                    break;
                case "Pull complete":
                    Start(layer, id);
                    observer.BlobCompleted(layer);
                    break;
                case "Already exists":
                    observer.BlobSkipped(layer);
                    break;
            }
        }
    }
}
