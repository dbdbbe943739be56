namespace S3lo.Core.Storage;

/// <summary>
/// A store opened with <see cref="StoreOptions.CreateIfMissing"/> that can say what opening it did, so
/// <c>init</c> reports whether it created the bucket and where it lives.
/// </summary>
public interface IStoreCreation
{
    /// <summary>True when this open created the bucket, container or directory.</summary>
    bool Created { get; }

    /// <summary>The region or location of the bucket, where the provider knows it; null otherwise.</summary>
    string? Location { get; }
}
