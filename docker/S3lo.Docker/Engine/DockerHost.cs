using S3lo.Core.Errors;

namespace S3lo.Docker.Engine;

/// <summary>
/// Where the Docker daemon listens: <c>DOCKER_HOST</c> when set, else the platform's default socket.
/// Only plain transports are supported; TLS and ssh are refused with a clear message rather than
/// silently talking plain HTTP to a daemon that expects something else.
/// </summary>
public sealed record DockerHost
{
    public const string EnvironmentVariable = "DOCKER_HOST";
    public const string DefaultUnixSocket = "unix:///var/run/docker.sock";
    public const string DefaultNamedPipe = "npipe:////./pipe/docker_engine";
    private const int DefaultTcpPort = 2375;

    private DockerHost(DockerHostKind kind, string address, string display, bool fromEnvironment, string? tcpHost = null, int tcpPort = 0)
    {
        Kind = kind;
        Address = address;
        Display = display;
        FromEnvironment = fromEnvironment;
        TcpHost = tcpHost;
        TcpPort = tcpPort;
    }

    public DockerHostKind Kind { get; }

    /// <summary>The socket path, the pipe name, or <c>host:port</c>.</summary>
    public string Address { get; }

    /// <summary>The address as users write it, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string Display { get; }

    /// <summary>True when the address came from <c>DOCKER_HOST</c>.</summary>
    public bool FromEnvironment { get; }

    internal string? TcpHost { get; }
    internal int TcpPort { get; }

    /// <summary>For messages: where the address came from.</summary>
    public string Origin => FromEnvironment ? "from DOCKER_HOST" : "DOCKER_HOST is not set";

    public override string ToString() => Display;

    /// <summary>Reads <c>DOCKER_HOST</c> and <c>DOCKER_TLS_VERIFY</c> from the environment.</summary>
    public static DockerHost FromEnvironmentVariables() =>
        Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY"));

    /// <summary>The platform default: the unix socket, or the named pipe on Windows.</summary>
    public static DockerHost Default =>
        OperatingSystem.IsWindows()
            ? new DockerHost(DockerHostKind.NamedPipe, "docker_engine", DefaultNamedPipe, fromEnvironment: false)
            : new DockerHost(DockerHostKind.UnixSocket, "/var/run/docker.sock", DefaultUnixSocket, fromEnvironment: false);

    /// <param name="dockerHost">The value of DOCKER_HOST; null or empty means the default.</param>
    /// <param name="tlsVerify">The value of DOCKER_TLS_VERIFY; any non-empty value asks for TLS, as in the docker CLI.</param>
    public static DockerHost Resolve(string? dockerHost, string? tlsVerify = null)
    {
        if (string.IsNullOrWhiteSpace(dockerHost)) return Default;
        var host = Parse(dockerHost.Trim(), fromEnvironment: true);
        if (host.Kind == DockerHostKind.Tcp && !string.IsNullOrEmpty(tlsVerify))
            throw NotSupported(host.Display, "TLS connections to the Docker daemon (DOCKER_TLS_VERIFY is set) are not supported");
        return host;
    }

    /// <summary>Parses <c>unix:///path</c>, <c>npipe:////./pipe/name</c> or <c>tcp://host[:port]</c>.</summary>
    public static DockerHost Parse(string value, bool fromEnvironment = true)
    {
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) throw Invalid(value);
        var scheme = value[..schemeEnd].ToLowerInvariant();
        var rest = value[(schemeEnd + 3)..];
        switch (scheme)
        {
            case "unix":
                if (rest.Length == 0 || rest.Contains('\0')) throw Invalid(value);
                return new DockerHost(DockerHostKind.UnixSocket, rest, value, fromEnvironment);
            case "npipe":
                return new DockerHost(DockerHostKind.NamedPipe, PipeName(rest, value), value, fromEnvironment);
            case "tcp":
            case "http":
                var (tcpHost, tcpPort) = HostAndPort(rest, value);
                return new DockerHost(DockerHostKind.Tcp, $"{tcpHost}:{tcpPort}", value, fromEnvironment, tcpHost, tcpPort);
            case "https":
                throw NotSupported(value, "TLS connections to the Docker daemon are not supported");
            case "ssh":
                throw NotSupported(value, "ssh connections to the Docker daemon are not supported");
            default:
                throw Invalid(value);
        }
    }

    // npipe:////./pipe/docker_engine -> "docker_engine"; only local pipes exist for us.
    private static string PipeName(string rest, string value)
    {
        const string localPrefix = "//./pipe/";
        var normalized = rest.Replace('\\', '/');
        if (!normalized.StartsWith(localPrefix, StringComparison.OrdinalIgnoreCase)) throw Invalid(value);
        var name = normalized[localPrefix.Length..];
        if (name.Length == 0 || name.Contains('/')) throw Invalid(value);
        return name;
    }

    private static (string Host, int Port) HostAndPort(string rest, string value)
    {
        var authority = rest.TrimEnd('/');
        if (authority.Length == 0 || authority.Contains('/') || authority.Contains('@')) throw Invalid(value);
        if (!Uri.TryCreate("http://" + authority, UriKind.Absolute, out var uri) || uri.Host.Length == 0) throw Invalid(value);
        // Without a port Uri reports 80; the daemon's plain-HTTP convention is 2375.
        var port = uri.IsDefaultPort && !authority.EndsWith(":80", StringComparison.Ordinal) ? DefaultTcpPort : uri.Port;
        return (uri.DnsSafeHost, port);
    }

    private static S3loException Invalid(string value) =>
        new($"invalid Docker daemon address '{value}'",
            hint: "set DOCKER_HOST to unix:///path/to/docker.sock, npipe:////./pipe/docker_engine or tcp://host:port");

    private static S3loException NotSupported(string value, string what) =>
        new($"{what} ({value})",
            hint: "use the daemon's unix socket or named pipe, or a plain tcp://host:port address");
}
