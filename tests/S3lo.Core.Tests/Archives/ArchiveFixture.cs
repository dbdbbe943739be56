using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Archives;

/// <summary>
/// What the oci: and oci-archive: tests share: a fresh temp directory per test, a bucket and a copy of the
/// fixture store in it (closed after the test), and one copy through the transfer engine that closes both ends.
/// </summary>
public abstract class ArchiveFixture(string label)
{
    protected static readonly CancellationToken None = CancellationToken.None;
    protected static readonly PlatformSpec Amd64 = PlatformSpec.Parse("linux/amd64");
    private ImageBucket? _bucket;
    private ImageBucket? _fixture;

    protected TempDir Temp { get; private set; } = null!;

    /// <summary>An empty local bucket in the temp directory, opened on first use.</summary>
    protected ImageBucket Bucket => _bucket ??= new ImageBucket(new LocalObjectStore(Temp.Sub("bucket")));

    /// <summary>A copy of the checked-in fixture store in the temp directory, opened on first use.</summary>
    protected ImageBucket Fixture => _fixture ??= new ImageBucket(new LocalObjectStore(FixtureStore.CopyTo(Temp.Sub("fixture"))));

    [SetUp]
    public void CreateTempDirectory() => Temp = new TempDir(label);

    [TearDown]
    public async Task DeleteTempDirectory()
    {
        if (_bucket is not null) await _bucket.DisposeAsync();
        if (_fixture is not null) await _fixture.DisposeAsync();
        (_bucket, _fixture) = (null, null);
        Temp.Dispose();
    }

    protected string PathIn(string name) => Temp.File(name);

    protected static async Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination, PlatformSpec? platform = null, int concurrency = 8)
    {
        await using (source)
        await using (destination)
            return await new TransferEngine().TransferAsync(source, destination,
                new TransferOptions { Platform = platform, PlatformIsExplicit = platform is not null, Concurrency = concurrency }, None);
    }
}
