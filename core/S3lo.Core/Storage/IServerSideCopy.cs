namespace S3lo.Core.Storage;

/// <summary>A store that can copy an object from another store of the same service without the bytes passing through here.</summary>
public interface IServerSideCopy
{
    /// <summary>Copies on the server; false when <paramref name="source"/> is not reachable that way (the caller streams).</summary>
    Task<bool> TryCopyFromAsync(IObjectStore source, string sourceKey, string destinationKey, PutOptions options, CancellationToken ct);
}
