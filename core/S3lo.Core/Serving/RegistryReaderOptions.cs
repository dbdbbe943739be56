namespace S3lo.Core.Serving;

/// <summary>How a <see cref="RegistryReader"/> caches and how many storage calls it makes at once.</summary>
public sealed record RegistryReaderOptions
{
    /// <summary>How long a manifest read by tag, and the repository list, are answered from memory; zero turns caching off.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes of manifests kept in memory at most (by tag and by digest together).</summary>
    public long CacheBytes { get; init; } = 64L << 20;

    /// <summary>Storage calls in progress at once, over all requests (<see cref="StorageGate"/>).</summary>
    public int MaxStorageCalls { get; init; } = 64;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
