namespace S3lo.Core.Storage;

/// <summary>
/// A store on this machine's file system: a finished file can be moved in with a rename instead of
/// being copied — a push to a local store then writes each layer once.
/// </summary>
public interface ILocalFileStore
{
    /// <summary>A directory on the store's file system for files that will be moved in.</summary>
    string StagingDirectory { get; }

    /// <summary>Moves a finished file to a key, replacing what is there; false when it cannot (another file system).</summary>
    Task<bool> TryMoveInAsync(string path, string key, CancellationToken ct);
}
