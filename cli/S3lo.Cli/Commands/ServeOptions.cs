using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>serve's flags (the store flags are <see cref="StoreFlags"/>; no --timeout: a server runs until stopped).</summary>
public sealed class ServeOptions : ICommandParameterSet
{
    [Option("host", Description = "address to listen on; other than loopback it needs --htpasswd or --allow-anonymous", ValueName = "ADDR")]
    [HasDefaultValue]
    public string Host { get; set; } = "127.0.0.1";

    [Option("port", Description = "TCP port (0 picks a free one)", ValueName = "PORT")]
    [HasDefaultValue]
    public int Port { get; set; } = 5000;

    [Option("allow-push", Description = "accept docker push: blob uploads and manifest PUTs write into the bucket")]
    public bool AllowPush { get; set; }

    [Option("htpasswd", Description = "require basic auth from this htpasswd file (bcrypt entries, htpasswd -B)", ValueName = "FILE")]
    [HasDefaultValue]
    public string? Htpasswd { get; set; }

    [Option("allow-anonymous", Description = "serve without auth on a non-loopback --host")]
    public bool AllowAnonymous { get; set; }

    [Option("tls-cert", Description = "serve HTTPS with this PEM certificate chain (with --tls-key)", ValueName = "FILE")]
    [HasDefaultValue]
    public string? TlsCert { get; set; }

    [Option("tls-key", Description = "PEM private key of --tls-cert", ValueName = "FILE")]
    [HasDefaultValue]
    public string? TlsKey { get; set; }

    [Option("presign-ttl", Description = "lifetime of the presigned URLs blobs are redirected to", ValueName = "DURATION")]
    [HasDefaultValue]
    public string PresignTtl { get; set; } = "15m";

    [Option("no-redirect", Description = "stream blobs through the server instead of redirecting to presigned store URLs")]
    public bool NoRedirect { get; set; }

    [Option("cache-ttl", Description = "how long a manifest read by tag is answered from memory (0s: no cache)", ValueName = "DURATION")]
    [HasDefaultValue]
    public string CacheTtl { get; set; } = "10s";

    [Option("max-storage-calls", Description = "storage requests in flight at once, over all clients", ValueName = "N")]
    [HasDefaultValue]
    public int MaxStorageCalls { get; set; } = 64;

    [Option("no-access-log", Description = "do not print one line per request on stderr")]
    public bool NoAccessLog { get; set; }
}
