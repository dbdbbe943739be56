namespace S3lo.Docker.Engine;

/// <summary>How the Docker daemon is reached.</summary>
public enum DockerHostKind
{
    UnixSocket,
    NamedPipe,
    Tcp,
}
