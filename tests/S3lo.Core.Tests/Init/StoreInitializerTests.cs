using S3lo.Core.Errors;
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
    public async Task WritesTheDefaultConfigOnceAndLeavesNoProbeBehind()
    {
        var root = _temp.Sub("store");
        await using var store = new LocalObjectStore(root);
        var config = Path.Combine(root, "s3lo.yaml");

        var first = await StoreInitializer.InitializeAsync(store, force: false, None);
        var written = File.ReadAllBytes(config);
        var writtenAt = File.GetLastWriteTimeUtc(config);
        var second = await StoreInitializer.InitializeAsync(store, force: false, None);

        Assert.That((first.Contents, first.ConfigWritten, first.CanDelete), Is.EqualTo((StoreContents.Empty, true, true)));
        Assert.That((second.Contents, second.ConfigWritten), Is.EqualTo((StoreContents.Store, false)));
        Assert.That(first.ProbeKey, Does.StartWith(AccessProbe.Prefix));
        Assert.That(System.Text.Encoding.UTF8.GetString(written), Is.EqualTo(StoreInitializer.DefaultConfig));
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(written));
        Assert.That(File.GetLastWriteTimeUtc(config), Is.EqualTo(writtenAt), "the second call must not rewrite the file");
        Assert.That(TempDir.FilesUnder(root), Is.EqualTo(new[] { "s3lo.yaml" }), "the probe object is deleted");
    }

    [Test]
    public async Task LeavesAnExistingV1ConfigAlone()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("fixture"));
        var before = File.ReadAllBytes(Path.Combine(root, "s3lo.yaml"));
        await using var store = new LocalObjectStore(root);

        var report = await StoreInitializer.InitializeAsync(store, force: false, None);

        Assert.That((report.Contents, report.ConfigWritten), Is.EqualTo((StoreContents.Store, false)));
        Assert.That(File.ReadAllBytes(Path.Combine(root, "s3lo.yaml")), Is.EqualTo(before));
    }

    [Test]
    public async Task AStoreWithoutConfigIsRecognisedByItsTagsAndGetsOne()
    {
        var root = _temp.Sub("v1-without-config");
        Directory.CreateDirectory(Path.Combine(root, "manifests", "app", "1"));
        File.WriteAllText(Path.Combine(root, "manifests", "app", "1", "manifest.json"), "{}");
        await using var store = new LocalObjectStore(root);

        var report = await StoreInitializer.InitializeAsync(store, force: false, None);

        Assert.That((report.Contents, report.ConfigWritten), Is.EqualTo((StoreContents.Store, true)));
    }

    [Test]
    public async Task ADirectoryHoldingOtherFilesIsRefusedUntouchedUnlessForced()
    {
        var root = _temp.Sub("project");
        Directory.CreateDirectory(Path.Combine(root, "src"));
        File.WriteAllText(Path.Combine(root, "src", "main.c"), "int main(void) { return 0; }\n");
        await using var store = new LocalObjectStore(root);

        var refused = Assert.ThrowsAsync<S3loException>(() => StoreInitializer.InitializeAsync(store, force: false, None));
        Assert.That(refused!.Message, Is.EqualTo($"{store.DisplayName} is not empty and not an s3lo store (it holds 'src/main.c'); nothing was written"));
        Assert.That(refused.Hint, Does.Contain("--force"));
        Assert.That(TempDir.FilesUnder(root), Is.EqualTo(new[] { "src/main.c" }));

        var forced = await StoreInitializer.InitializeAsync(store, force: true, None);
        Assert.That((forced.Contents, forced.FirstOtherKey, forced.ConfigWritten), Is.EqualTo((StoreContents.Other, "src/main.c", true)));
        Assert.That(TempDir.FilesUnder(root), Is.EquivalentTo(new[] { "s3lo.yaml", "src/main.c" }));
    }

    [Test]
    public async Task AProbeLeftByAnEarlierInitDoesNotMakeTheBucketForeign()
    {
        var root = _temp.Sub("left-probe");
        Directory.CreateDirectory(Path.Combine(root, "s3lo-init-probe"));
        File.WriteAllText(Path.Combine(root, "s3lo-init-probe", "0011223344556677"), "left by an init that could not delete");
        await using var store = new LocalObjectStore(root);

        var report = await StoreInitializer.InitializeAsync(store, force: false, None);

        Assert.That((report.Contents, report.ConfigWritten), Is.EqualTo((StoreContents.Empty, true)));
    }
}
