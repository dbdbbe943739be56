using S3lo.Core.Transfer;

namespace S3lo.Core.Transports;

/// <summary>
/// One place an image can live (a bucket scheme, a registry, an OCI layout, an archive): it parses its
/// own references and opens them as a transfer source or destination. Registered in DI and found by
/// <see cref="TransportRegistry"/>, so adding one is this class plus one registration.
/// </summary>
public interface IImageTransport
{
    /// <summary>"s3", "docker" (a registry), "oci", "oci-archive", "docker-archive"...</summary>
    string Name { get; }

    /// <summary>How a reference is written, for hints: "oci:DIR[:TAG]".</summary>
    string Syntax { get; }

    /// <summary>A cheap prefix test, no parsing: true when the text is this transport's to parse.</summary>
    bool Claims(string text);

    /// <summary>Parses a reference this transport claims, without I/O; a <see cref="Errors.UsageException"/> on bad input.</summary>
    TransportReference Parse(string text, EndRole role);

    /// <summary>Opens the reference to read from; what it opens belongs to <paramref name="session"/>.</summary>
    Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct);

    /// <summary>Opens the reference to write to; what it opens belongs to <paramref name="session"/>.</summary>
    Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct);
}
