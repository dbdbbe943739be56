namespace S3lo.Docker.Engine;

/// <summary>
/// The daemon applying one layer of a load: <paramref name="LayerId"/> is what it prints, the first 12 hex digits
/// of the layer's chain ID; <paramref name="Current"/> of <paramref name="Total"/> bytes of the archive's layer file.
/// </summary>
public sealed record DockerLoadProgress(string LayerId, long Current, long Total);
