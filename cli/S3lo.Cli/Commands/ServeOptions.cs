using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>serve's flags: where to listen (the store flags are <see cref="StoreFlags"/>; no --timeout: a server runs until stopped).</summary>
public sealed class ServeOptions : ICommandParameterSet
{
    [Option("host", Description = "address to listen on: 127.0.0.1, ::1 or localhost until auth and TLS exist", ValueName = "ADDR")]
    [HasDefaultValue]
    public string Host { get; set; } = "127.0.0.1";

    [Option("port", Description = "TCP port (0 picks a free one)", ValueName = "PORT")]
    [HasDefaultValue]
    public int Port { get; set; } = 5000;
}
