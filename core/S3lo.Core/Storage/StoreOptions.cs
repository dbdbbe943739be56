namespace S3lo.Core.Storage;

/// <summary>Connection options from the global flags; each provider uses what applies to it.</summary>
public sealed record StoreOptions
{
    public string? Endpoint { get; init; }
    public string? Region { get; init; }
    public string? StorageClass { get; init; }
    public TimeSpan? Timeout { get; init; }
    /// <summary>When true, a missing bucket or store is created (init) rather than reported.</summary>
    public bool CreateIfMissing { get; init; }
}
