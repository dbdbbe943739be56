using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace S3lo.Core.Registry;

/// <summary>How a <see cref="RegistryClient"/> talks to its registry.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>
    /// <c>--insecure</c> / <c>--tls-verify=false</c>: plain HTTP is allowed (https is tried first) and the
    /// registry's TLS certificate is not checked. Loopback registries may use plain HTTP without it.
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>Where credentials come from when the registry asks; null means anonymous only.</summary>
    public IRegistryCredentialProvider? Credentials { get; init; }

    /// <summary>Requests, retries and token fetches are logged at debug level (no secrets, no query strings).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    public int MaxRetries { get; init; } = 4;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest backoff, and the longest Retry-After honoured (a longer one fails the request).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A request with no byte moving for this long fails (and is retried); see <see cref="Net.IdleTimeout"/>.</summary>
    public TimeSpan IdleTimeout { get; init; } = Net.IdleTimeout.FromEnvironment();

    /// <summary>Blobs up to this size are uploaded with one PUT; larger ones in PATCH chunks.</summary>
    public long MonolithicUploadLimit { get; init; } = 32L * 1024 * 1024;

    /// <summary>The PATCH chunk size of a chunked upload (each chunk is held in memory so it can be retried).</summary>
    public int UploadChunkSize { get; init; } = 16 * 1024 * 1024;

    public string UserAgent { get; init; } = "s3lo";

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
