namespace S3lo.Core.References;

/// <summary>The real <see cref="ILocalStoreProbe"/>: looks at the disk and the process's working directory.</summary>
public sealed class FileSystemStoreProbe : ILocalStoreProbe
{
    public static readonly FileSystemStoreProbe Instance = new();

    private FileSystemStoreProbe()
    {
    }

    public string CurrentDirectory => Directory.GetCurrentDirectory();

    // Any one marker is enough: a v1 store may lack s3lo.yaml, a fresh one may have no blobs yet.
    public bool IsStore(string absoluteDirectory) =>
        Directory.Exists(Path.Combine(absoluteDirectory, "blobs"))
        || Directory.Exists(Path.Combine(absoluteDirectory, "manifests"))
        || File.Exists(Path.Combine(absoluteDirectory, "s3lo.yaml"));
}
