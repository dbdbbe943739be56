using S3lo.Core.Errors;

namespace S3lo.Core.Storage;

/// <summary>Finds the provider registered for a scheme.</summary>
public sealed class ObjectStoreFactory(IEnumerable<IObjectStoreProvider> providers)
{
    private readonly Dictionary<string, IObjectStoreProvider> _byScheme =
        providers.ToDictionary(p => p.Scheme, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Schemes => _byScheme.Keys;

    public Task<IObjectStore> OpenAsync(string scheme, string bucket, StoreOptions options, CancellationToken ct) =>
        _byScheme.TryGetValue(scheme, out var provider)
            ? provider.OpenAsync(bucket, options, ct)
            : throw new UsageException(
                $"the {scheme}:// scheme is not available in this build",
                $"available: {string.Join(", ", _byScheme.Keys.Order().Select(s => s + "://"))}");
}
