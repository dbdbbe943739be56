using S3lo.Core.Transports;

namespace S3lo.Core.Registry;

/// <summary>An image in a registry as one end of a transfer.</summary>
public sealed record RegistryTransportReference(IImageTransport Transport, RegistryReference Reference) : TransportReference(Transport)
{
    public override string Describe() => Reference.ToString();

    public override string? RepoTag => Reference.Tag is { } tag ? $"{Reference.Registry}/{Reference.Repository}:{tag}" : null;

    public override string? Registry => Reference.Registry;
}
