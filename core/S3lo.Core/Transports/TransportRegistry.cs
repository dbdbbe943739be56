using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Registry;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;

namespace S3lo.Core.Transports;

/// <summary>
/// Every transport, found by the prefix of a reference (as containers/image's alltransports): one bucket
/// transport per registered storage provider, then the registered transports; text no transport claims is
/// a registry reference, docker's rules, unless it has a scheme no one knows.
/// </summary>
public sealed class TransportRegistry
{
    private readonly BucketTransport[] _buckets;
    private readonly IImageTransport[] _others;
    private readonly RegistryTransport _registry;

    public TransportRegistry(IEnumerable<IObjectStoreProvider> providers, BucketReferences references, TimeProvider clock,
        RegistryTransport registry, IEnumerable<IImageTransport> transports, IImageRulesSource? rules = null)
    {
        _buckets = [.. providers.Select(p => new BucketTransport(p, references, clock, rules))];
        _registry = registry;
        _others = [.. transports.Where(t => t is not RegistryTransport)];
    }

    /// <summary>Bucket schemes first (in provider order), then the other transports, the registry last.</summary>
    public IEnumerable<IImageTransport> Transports => [.. _buckets, .. _others, _registry];

    /// <summary>Parses one end of a transfer, without I/O.</summary>
    public TransportReference Parse(string text, EndRole role)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var transport in Transports)
        {
            if (transport.Claims(text)) return transport.Parse(text, role);
        }
        if (text.Contains("://", StringComparison.Ordinal))
            throw new UsageException($"'{text}' has an unknown scheme", KnownSyntaxHint());
        return _registry.Parse(text, role);
    }

    public Task<IImageSource> OpenSourceAsync(TransportSession session, CancellationToken ct) =>
        session.Source.Transport.OpenSourceAsync(session.Source, session, ct);

    public Task<IImageDestination> OpenDestinationAsync(TransportSession session, CancellationToken ct) =>
        session.Destination.Transport.OpenDestinationAsync(session.Destination, session, ct);

    // "use SCHEME://BUCKET/IMAGE:TAG (s3, gs, az, local), oci:DIR[:TAG], ... or a registry reference like ghcr.io/org/app:1"
    private string KnownSyntaxHint()
    {
        IEnumerable<string> forms = _buckets.Length == 0 ? [] : [$"SCHEME://BUCKET/IMAGE:TAG ({string.Join(", ", _buckets.Select(b => b.Name))})"];
        forms = [.. forms, .. _others.Select(t => t.Syntax)];
        return $"use {string.Join(", ", forms)} or {_registry.Syntax}";
    }
}
