using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Docker.Tests.Support;

/// <summary>A transfer plan for one image, with its blobs in memory, as the engine would hand it to a destination.</summary>
internal sealed class PlanBuilder
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public PlanBuilder(SavedImage saved, Func<int, string> compressionOfLayer)
    {
        Config = Descriptor(saved.Config, MediaTypes.OciConfig);
        var layers = new List<Descriptor>();
        for (var i = 0; i < saved.Layers.Count; i++)
        {
            var (bytes, mediaType) = compressionOfLayer(i) switch
            {
                "gzip" => (Compress.Gzip(saved.Layers[i]), MediaTypes.OciLayerGzip),
                "zstd" => (Compress.Zstd(saved.Layers[i]), MediaTypes.OciLayerZstd),
                _ => (saved.Layers[i], MediaTypes.OciLayer),
            };
            layers.Add(Descriptor(bytes, mediaType));
        }
        Layers = layers;
        Root = ManifestBlob.FromManifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = Config, Layers = Layers });
        Plan = new TransferPlan(Root, [new PlannedImage(Root, new Platform { Os = "linux", Architecture = "amd64" }, false)], [Config, .. Layers]);
    }

    public Descriptor Config { get; }
    public IReadOnlyList<Descriptor> Layers { get; }
    public ManifestBlob Root { get; }
    public TransferPlan Plan { get; }

    /// <summary>The blob as the engine streams it: verified while read.</summary>
    public Stream Open(Descriptor descriptor, long failAfter = -1)
    {
        var bytes = _blobs[descriptor.Digest];
        Stream raw = failAfter >= 0 ? new SourceStream(bytes, failAfter) : new MemoryStream(bytes);
        return new VerifyingReadStream(raw, Digest.Parse(descriptor.Digest), descriptor.Size, $"blob {descriptor.Digest}");
    }

    public Stream OpenRaw(Descriptor descriptor) => new MemoryStream(_blobs[descriptor.Digest]);

    public Task PutAsync(IImageDestination destination, Descriptor descriptor) =>
        Task.Run(async () =>
        {
            await using var stream = Open(descriptor);
            await destination.PutBlobAsync(descriptor, stream, CancellationToken.None);
        });

    private Descriptor Descriptor(byte[] bytes, string mediaType)
    {
        var digest = Digest.Compute(bytes).ToString();
        _blobs[digest] = bytes;
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }
}
