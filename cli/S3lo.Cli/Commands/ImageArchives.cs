using S3lo.Cli.Hosting;
using S3lo.Cli.Transports;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Cli.Commands;

/// <summary>
/// What scan and sbom hand trivy: one platform of an image fetched, without Docker, into an OCI archive
/// (the copy command's machinery with an <c>oci-archive:</c> destination).
/// </summary>
internal sealed class ImageArchives(TransportRegistry transports, TransferEngine engine, IEnumerable<IRegistryCredentialProvider> registryCredentials)
{
    /// <summary>Any reference copy reads: a bucket (with a tag or digest), a registry, oci:, oci-archive:, docker-archive:.</summary>
    public TransportReference Parse(string reference) => transports.Parse(reference, EndRole.Source);

    /// <summary>The platforms of a multi-platform image (attestations left out); the one platform of a single image.</summary>
    public async Task<IReadOnlyList<PlatformSpec>> PlatformsAsync(TransportReference from, CommandContext context)
    {
        await using var session = Session(from, Path.Combine(Path.GetTempPath(), "unused.tar"), null, context);
        await using var source = await transports.OpenSourceAsync(session, context.Token);
        var root = await source.GetRootAsync(context.Token);
        if (root.Index is { } index)
            return [.. index.Manifests.Where(m => m.Platform is not null && !PlatformSpec.IsAttestation(m))
                .Select(m => new PlatformSpec(m.Platform!.Os, m.Platform.Architecture, string.IsNullOrEmpty(m.Platform.Variant) ? null : m.Platform.Variant))
                .Distinct()];
        var config = OciJson.ParseConfig(await ReadAllAsync(await source.OpenBlobAsync(root.Manifest!.Config, context.Token), context.Token), "the image config");
        return [new PlatformSpec(config.Os ?? "", config.Architecture ?? "", string.IsNullOrEmpty(config.Variant) ? null : config.Variant)];
    }

    /// <summary>Writes <paramref name="platform"/> of <paramref name="from"/> to the OCI archive <paramref name="archive"/>.</summary>
    public async Task FetchAsync(TransportReference from, PlatformSpec platform, bool platformIsExplicit, string archive, CommandContext context)
    {
        await using var session = Session(from, archive, platform, context);
        var writer = await transports.OpenDestinationAsync(session, context.Token);
        var reader = await transports.OpenSourceAsync(session, context.Token);
        using var observer = context.CreateObserver("fetch", logsBlobs: false);
        await engine.TransferAsync(reader, writer, new TransferOptions
        {
            Platform = platform,
            PlatformIsExplicit = platformIsExplicit,
            Concurrency = context.Options.Concurrency,
            CheckSourceFirst = true,
            Observer = observer,
        }, context.Token);
    }

    private TransportSession Session(TransportReference from, string archive, PlatformSpec? platform, CommandContext context)
    {
        var registries = RegistryAccess.From(false, null, null, null, null, from.Registry, null, registryCredentials, context.Logger);
        return new TransportSession
        {
            Source = from,
            Destination = transports.Parse("oci-archive:" + archive, EndRole.Destination),
            StoreOptions = context.StoreOptions,
            SourceRegistry = registries.SourceOptions,
            DestinationRegistry = registries.DestinationOptions,
            Platform = platform,
            Command = "scan",
        };
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
    }
}
