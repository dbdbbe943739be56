namespace S3lo.Core.References;

/// <summary>The real <see cref="ILocalStoreProbe"/>: looks at the disk and the process's working directory.</summary>
public sealed class FileSystemStoreProbe : ILocalStoreProbe
{
    public static readonly FileSystemStoreProbe Instance = new();

    private FileSystemStoreProbe()
    {
    }

    public string CurrentDirectory => Directory.GetCurrentDirectory();

    public bool IsStore(string absoluteDirectory) => IsStoreDirectory(absoluteDirectory);

    /// <summary>
    /// <c>s3lo.yaml</c>, or both <c>blobs/sha256/</c> and <c>manifests/</c> (a v1 store may lack s3lo.yaml).
    /// One marker alone is not enough: a project folder with a <c>manifests/</c> of Kubernetes YAML is no store.
    /// </summary>
    public static bool IsStoreDirectory(string directory) =>
        File.Exists(Path.Combine(directory, "s3lo.yaml"))
        || (Directory.Exists(Path.Combine(directory, "blobs", "sha256")) && Directory.Exists(Path.Combine(directory, "manifests")));
}
