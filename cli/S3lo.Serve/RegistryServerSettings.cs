using System.Net;

namespace S3lo.Serve;

/// <summary>
/// Everything 's3lo serve' was told on its command line, parsed and checked by the CLI; the server
/// only reads it.
/// </summary>
public sealed record RegistryServerSettings
{
    public required IPAddress Host { get; init; }

    /// <summary>0: the OS picks a free port.</summary>
    public int Port { get; init; } = 5000;

    /// <summary>PEM certificate chain and key for HTTPS; both or neither.</summary>
    public string? TlsCertificatePath { get; init; }

    public string? TlsKeyPath { get; init; }

    /// <summary>An htpasswd file with bcrypt entries: clients must send basic auth matching one of them.</summary>
    public string? HtpasswdPath { get; init; }

    /// <summary>Serve without auth on a non-loopback address (an explicit choice, never the default).</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>Accept blob uploads and manifest PUTs (the write half of the Distribution API).</summary>
    public bool AllowPush { get; init; }

    /// <summary>How long a presigned blob URL stays valid.</summary>
    public TimeSpan PresignTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Stream blobs through the server instead of redirecting to presigned store URLs.</summary>
    public bool NoRedirect { get; init; }

    /// <summary>How long a manifest read by tag is answered from memory; zero turns the cache off.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Storage calls in flight at once, over all requests.</summary>
    public int MaxStorageCalls { get; init; } = 64;

    /// <summary>One line per request on stderr (method, path without query, status, bytes, time).</summary>
    public bool AccessLog { get; init; } = true;
}
