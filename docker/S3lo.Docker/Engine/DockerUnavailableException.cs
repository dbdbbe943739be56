using S3lo.Core.Errors;

namespace S3lo.Docker.Engine;

/// <summary>The daemon's socket could not be reached: the one line names the address tried and where it came from.</summary>
public sealed class DockerUnavailableException : S3loException
{
    public DockerUnavailableException(DockerHost host, string reason, string? hint = null, Exception? inner = null)
        : base($"cannot reach the Docker daemon at {host.Display} ({host.Origin}): {reason}",
            hint: hint ?? "start Docker, or set DOCKER_HOST to its socket", inner: inner)
    {
        Host = host;
    }

    public DockerHost Host { get; }
}
