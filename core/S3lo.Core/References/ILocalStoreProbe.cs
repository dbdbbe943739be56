namespace S3lo.Core.References;

/// <summary>
/// The only file-system access the reference parser needs, to find where a <c>local://</c> store root
/// ends; an interface so parsing stays testable and free of hidden I/O.
/// </summary>
public interface ILocalStoreProbe
{
    /// <summary>True when the directory holds a store: <c>s3lo.yaml</c>, or both <c>blobs/sha256/</c> and <c>manifests/</c>.</summary>
    bool IsStore(string absoluteDirectory);

    /// <summary>The base for relative <c>local://</c> paths.</summary>
    string CurrentDirectory { get; }
}
