using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Transports;
using S3lo.Docker.Archives;
using S3lo.Docker.Daemon;

namespace S3lo.Docker;

public static class DockerTransportServices
{
    /// <summary>Registers the transports this assembly owns: <c>docker-archive:</c> and <c>docker-daemon:</c>.</summary>
    public static IServiceCollection AddDockerTransports(this IServiceCollection services) =>
        services.AddSingleton<IImageTransport, DockerArchiveTransport>()
            .AddSingleton<IImageTransport, DockerDaemonTransport>();
}
