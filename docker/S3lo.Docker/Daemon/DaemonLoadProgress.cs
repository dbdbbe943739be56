using System.Security.Cryptography;
using System.Text;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Daemon;

/// <summary>
/// Turns the daemon's "Loading layer" messages into the observer's loading phase of each layer. The daemon names
/// a layer by the first 12 hex digits of its chain ID; the config's diff IDs give the chain, so each message is
/// reported against the blob the pull wrote for that layer.
/// </summary>
internal sealed class DaemonLoadProgress(LoadableImage image, Func<byte[]?> config, ITransferObserver observer)
{
    private readonly Lock _lock = new();
    private Dictionary<string, Descriptor>? _byChainId;
    private Descriptor? _current;

    public void Report(DockerLoadProgress progress)
    {
        lock (_lock)
        {
            var layer = LayerFor(progress.LayerId) with { Size = progress.Total };
            if (_current?.Digest != layer.Digest)
            {
                if (_current is not null) observer.BlobCompleted(_current);
                _current = layer;
                observer.BlobPhase(layer, TransferPhase.Loading);
            }
            observer.BlobProgress(layer, progress.Current);
        }
    }

    public void Finish(DockerLoadResult result)
    {
        lock (_lock)
        {
            if (_current is not null) observer.BlobCompleted(_current);
            _current = null;
        }
        var what = result.ImageIds.Count > 0 ? "image ID " + string.Join(", ", result.ImageIds) : string.Join(", ", result.Names);
        observer.ImageDone($"loaded {what}");
    }

    /// <summary>Chain IDs as <c>docker image inspect</c>'s layer chain: the first diff ID, then sha256 of "previous next".</summary>
    internal static IReadOnlyList<string> ChainIds(IReadOnlyList<string> diffIds)
    {
        var chain = new List<string>(diffIds.Count);
        foreach (var diffId in diffIds)
            chain.Add(chain.Count == 0 ? diffId : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(chain[^1] + " " + diffId))));
        return chain;
    }

    private Descriptor LayerFor(string id)
    {
        _byChainId ??= Map();
        return _byChainId.GetValueOrDefault(id)
            ?? new Descriptor { MediaType = MediaTypes.OciLayer, Digest = "sha256:" + id, Size = 0 };
    }

    private Dictionary<string, Descriptor> Map()
    {
        var map = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        if (config() is not { } bytes) return map;
        try
        {
            var diffIds = OciJson.ParseConfig(bytes, "config").RootFs?.DiffIds ?? [];
            var chain = ChainIds(diffIds);
            for (var i = 0; i < chain.Count && i < image.Layers.Count; i++)
                map.TryAdd(chain[i]["sha256:".Length..][..12], image.Layers[i]);
        }
        catch (Exception e) when (e is Core.Errors.S3loException or FormatException or ArgumentException)
        {
            // Progress only: an unmappable layer shows by the daemon's own ID.
        }
        return map;
    }
}
