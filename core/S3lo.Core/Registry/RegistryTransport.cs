using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Registry;

/// <summary>
/// Registries (Docker Hub, GHCR, any OCI registry): <c>docker://</c> references, and any text no other
/// transport claims, read by docker's rules (<c>alpine</c> is <c>docker.io/library/alpine:latest</c>).
/// </summary>
public sealed class RegistryTransport : IImageTransport
{
    public string Name => "docker";

    public string Syntax => "a registry reference like ghcr.io/org/app:1";

    public bool Claims(string text) => text.StartsWith(RegistryReference.DockerPrefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role) => new RegistryTransportReference(this, RegistryReference.Parse(text));

    public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var source = Reference(reference);
        return Task.FromResult<IImageSource>(session.Own(
            new RegistryImageSource(RegistryClient.For(source, session.SourceRegistry), source, ownsClient: true)));
    }

    public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var target = Reference(reference);
        // Same registry on both ends: blobs are mounted across repositories, not re-uploaded.
        var mountFrom = session.Source is RegistryTransportReference { Reference: var from } && from.Registry == target.Registry ? from : null;
        return Task.FromResult<IImageDestination>(session.Own(
            new RegistryImageDestination(RegistryClient.For(target, session.DestinationRegistry), target, mountFrom, ownsClient: true)));
    }

    private static RegistryReference Reference(TransportReference reference) => ((RegistryTransportReference)reference).Reference;
}
