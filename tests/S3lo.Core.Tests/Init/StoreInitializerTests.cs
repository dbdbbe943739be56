using S3lo.Core.Init;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Init;

[TestFixture]
public class StoreInitializerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDir("init");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task WritesTheDefaultConfigOnce()
    {
        var root = _temp.Sub("store");
        await using var store = new LocalObjectStore(root);
        var config = Path.Combine(root, "s3lo.yaml");

        var first = await StoreInitializer.InitializeAsync(store, None);
        var written = File.ReadAllBytes(config);
        var writtenAt = File.GetLastWriteTimeUtc(config);
        var second = await StoreInitializer.InitializeAsync(store, None);

        Assert.That(first, Is.True);
        Assert.That(second, Is.False);
        Assert.That(System.Text.Encoding.UTF8.GetString(written), Is.EqualTo(StoreInitializer.DefaultConfig));
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(written));
        Assert.That(File.GetLastWriteTimeUtc(config), Is.EqualTo(writtenAt), "the second call must not rewrite the file");
        Assert.That(TempDir.FilesUnder(root), Is.EqualTo(new[] { "s3lo.yaml" }));
    }

    [Test]
    public async Task LeavesAnExistingV1ConfigAlone()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("fixture"));
        var before = File.ReadAllBytes(Path.Combine(root, "s3lo.yaml"));
        await using var store = new LocalObjectStore(root);

        var wrote = await StoreInitializer.InitializeAsync(store, None);

        Assert.That(wrote, Is.False);
        Assert.That(File.ReadAllBytes(Path.Combine(root, "s3lo.yaml")), Is.EqualTo(before));
    }
}
