using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary>
/// A transport whose references are a local path with a prefix (<c>oci:</c>, <c>oci-archive:</c>,
/// <c>docker-archive:</c>): parsed by <see cref="ArchiveReference"/>; a subclass says which endpoints open it.
/// </summary>
public abstract class ArchiveTransport(string name, string syntax, string prefix) : IImageTransport
{
    public string Name => name;

    public string Syntax => syntax;

    public bool Claims(string text) => text.StartsWith(prefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role) => new ArchiveTransportReference(this, ArchiveReference.Parse(text));

    public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct) =>
        Task.FromResult(session.Own(OpenSource(((ArchiveTransportReference)reference).Archive, session)));

    public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct) =>
        Task.FromResult(session.Own(OpenDestination(((ArchiveTransportReference)reference).Archive, session)));

    protected abstract IImageSource OpenSource(ArchiveReference archive, TransportSession session);

    protected abstract IImageDestination OpenDestination(ArchiveReference archive, TransportSession session);
}
