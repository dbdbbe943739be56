using S3lo.Core.Oci;

namespace S3lo.Docker;

public sealed record DockerPushOptions
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The platform the user asked for; the daemon's image must be that platform.</summary>
    public PlatformSpec? Platform { get; init; }

    public string TempDirectory { get; init; } = Path.GetTempPath();
}
