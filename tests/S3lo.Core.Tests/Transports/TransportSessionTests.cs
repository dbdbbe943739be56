using S3lo.Core.Archives;
using S3lo.Core.Registry;
using S3lo.Core.Storage;
using S3lo.Core.Tests.References;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transports;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transports;

/// <summary>What one command opens through the registry: one store per bucket, shared by both ends, all closed at the end.</summary>
public sealed class TransportSessionTests
{
    [Test]
    public async Task BothEndsInOneStoreOpenItOnce()
    {
        using var dir = new TempDir("session");
        var store = InitStore(dir.Sub("store"));
        var provider = new CountingProvider();
        var registry = Registry(provider);

        await using (var session = Session(registry, $"local://{store}/a:v1", $"local://{store}/b:v1"))
        {
            await registry.OpenDestinationAsync(session, CancellationToken.None);
            await registry.OpenSourceAsync(session, CancellationToken.None);
        }

        Assert.That(provider.Opened, Is.EqualTo(1));
        Assert.That(provider.Open, Is.Zero, "disposed with the session");
    }

    [Test]
    public async Task TwoStoresOpenOneEachAndBothCloseWithTheSession()
    {
        using var dir = new TempDir("session");
        var (from, to) = (InitStore(dir.Sub("from")), InitStore(dir.Sub("to")));
        var provider = new CountingProvider();
        var registry = Registry(provider);

        await using (var session = Session(registry, $"local://{from}/a:v1", $"local://{to}/a:v1"))
        {
            await registry.OpenDestinationAsync(session, CancellationToken.None);
            await registry.OpenSourceAsync(session, CancellationToken.None);
        }

        Assert.That(provider.Opened, Is.EqualTo(2));
        Assert.That(provider.Open, Is.Zero, "both disposed with the session");
    }

    private static TransportRegistry Registry(IObjectStoreProvider provider) =>
        new([provider], Schemes.References, TimeProvider.System, new RegistryTransport(), [new OciLayoutTransport()]);

    private static TransportSession Session(TransportRegistry registry, string source, string destination) => new()
    {
        Source = registry.Parse(source, EndRole.Source),
        Destination = registry.Parse(destination, EndRole.Destination),
    };

    private static string InitStore(string path)
    {
        File.WriteAllText(Path.Combine(path, "s3lo.yaml"), "version: 2\n");
        return path;
    }

    // The real local provider underneath; the wrapper only counts opens and disposals, which no store shows.
    private sealed class CountingProvider : IObjectStoreProvider
    {
        private readonly LocalStoreProvider _local = new();
        public int Opened;
        public int Open;

        public string Scheme => _local.Scheme;
        public bool BucketIsPath => _local.BucketIsPath;
        public string? BucketNameProblem(string bucket) => _local.BucketNameProblem(bucket);

        public async Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct)
        {
            Opened++;
            Open++;
            return new Counted(await _local.OpenAsync(bucket, options, ct), this);
        }

        private sealed class Counted(IObjectStore inner, CountingProvider owner) : IObjectStore, ILocalFileStore
        {
            public string DisplayName => inner.DisplayName;
            public string StagingDirectory => ((ILocalFileStore)inner).StagingDirectory;
            public Task<bool> TryMoveInAsync(string path, string key, CancellationToken ct) => ((ILocalFileStore)inner).TryMoveInAsync(path, key, ct);
            public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct) => inner.HeadAsync(key, ct);
            public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(key, ct);
            public Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct) => inner.OpenReadRangeAsync(key, offset, length, ct);
            public Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct) => inner.PutAsync(key, content, length, options, ct);
            public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
            public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
            public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct) => inner.DeleteIfMatchAsync(key, etag, ct);
            public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) => inner.DeleteManyAsync(keys, ct);

            public async ValueTask DisposeAsync()
            {
                owner.Open--;
                await inner.DisposeAsync();
            }
        }
    }
}
