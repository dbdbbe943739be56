using System.Text;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Config;

public sealed class BucketConfigStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDir("config-store");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static Func<string, string> Set(string? pattern, string assignment) =>
        text => new ConfigDocument(text).Set(pattern, ConfigKeys.ParseAssignment(assignment));

    [Test]
    public async Task ABucketWithoutAConfigReadsAsEmpty()
    {
        await using var store = new LocalObjectStore(_temp.Sub("store"));

        var read = await BucketConfigStore.ReadAsync(store, None);

        Assert.That(read, Is.EqualTo(new StoredConfig(BucketConfig.Empty, "", null)));
    }

    [Test]
    public async Task ReadsTheV1FixtureStoresConfig()
    {
        await using var store = new LocalObjectStore(FixtureStore.CopyTo(_temp.Sub("v1")));

        var read = await BucketConfigStore.ReadAsync(store, None);

        Assert.That(read.Config.Default, Is.EqualTo(new ImageRules { KeepLast = 10, MaxAge = TimeSpan.FromDays(90) }));
        Assert.That(read.Text, Is.EqualTo(File.ReadAllText(Path.Combine(FixtureStore.Path, "s3lo.yaml"))));
        Assert.That(read.ETag, Is.Not.Null);
    }

    [Test]
    public async Task AnUpdateKeepsTheCommentsOfTheFileItEdits()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("v1"));
        await using var store = new LocalObjectStore(root);

        var written = await BucketConfigStore.UpdateAsync(store, Set("myapp", "immutable=true"), None);

        var expected = File.ReadAllText(Path.Combine(FixtureStore.Path, "s3lo.yaml")) + "images:\n  myapp: {immutable: true}\n";
        Assert.That(File.ReadAllText(Path.Combine(root, "s3lo.yaml")), Is.EqualTo(expected));
        Assert.That(written.Text, Is.EqualTo(expected));
        Assert.That(written.Config.Find("myapp"), Is.EqualTo(new ImageRules { Immutable = true }));
        Assert.That((await BucketConfigStore.ReadAsync(store, None)).ETag, Is.EqualTo(written.ETag));
    }

    [Test]
    public async Task TheFirstUpdateOfABucketWithoutAConfigCreatesIt()
    {
        var root = _temp.Sub("store");
        await using var store = new LocalObjectStore(root);

        await BucketConfigStore.UpdateAsync(store, Set(null, "lifecycle.keep_last=4"), None);

        Assert.That(File.ReadAllText(Path.Combine(root, "s3lo.yaml")), Is.EqualTo("default:\n  lifecycle: {keep_last: 4}\n"));
    }

    [Test]
    public async Task AnEditThatChangesNothingWritesNothing()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("v1"));
        await using var store = new LocalObjectStore(root);
        var before = await BucketConfigStore.ReadAsync(store, None);
        var writtenAt = File.GetLastWriteTimeUtc(Path.Combine(root, "s3lo.yaml"));

        var after = await BucketConfigStore.UpdateAsync(store, text => new ConfigDocument(text).Remove("absent", null), None);

        Assert.That(after.ETag, Is.EqualTo(before.ETag));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(root, "s3lo.yaml")), Is.EqualTo(writtenAt));
    }

    [Test]
    public async Task AnInvalidResultIsNeverWritten()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("v1"));
        await using var store = new LocalObjectStore(root);
        var before = File.ReadAllText(Path.Combine(root, "s3lo.yaml"));

        var error = Assert.ThrowsAsync<ConfigException>(() => BucketConfigStore.UpdateAsync(store, text => text + "extra: 1\n", None))!;

        Assert.That(error.Message, Is.EqualTo("s3lo.yaml line 8: unknown key 'extra' at the top level; valid keys: default, images, policies"));
        Assert.That(File.ReadAllText(Path.Combine(root, "s3lo.yaml")), Is.EqualTo(before));
    }

    [Test]
    public async Task AnInvalidFileInTheBucketIsNamedWithAHint()
    {
        var root = _temp.Sub("store");
        await using var store = new LocalObjectStore(root);
        await PutAsync(store, "default:\n  lifecycle: {keep_last: many}\n");

        var error = Assert.ThrowsAsync<ConfigException>(() => BucketConfigStore.ReadAsync(store, None))!;

        Assert.That(error.Message, Is.EqualTo("s3lo.yaml line 2: keep_last must be a whole number from 1 to 100000, not 'many'"));
        Assert.That(error.Hint, Is.EqualTo($"fix s3lo.yaml in {store.DisplayName} by hand; docs/config.md lists every key"));
    }

    [Test]
    public async Task AConfigOverOneMebibyteIsRefusedBeforeItIsRead()
    {
        await using var store = new LocalObjectStore(_temp.Sub("store"));
        await PutAsync(store, "# " + new string('x', BucketConfigParser.MaxBytes));

        var error = Assert.ThrowsAsync<ConfigException>(() => BucketConfigStore.ReadAsync(store, None))!;

        Assert.That(error.Message, Is.EqualTo($"s3lo.yaml is {BucketConfigParser.MaxBytes + 2} bytes; s3lo reads a config of at most 1 MiB"));
    }

    [Test]
    public async Task EightParallelUpdatesFromSeparateStoresAllSurvive()
    {
        var root = FixtureStore.CopyTo(_temp.Sub("v1"));

        // One store per writer, as eight machines would have: only the conditional write orders them.
        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await using var store = new LocalObjectStore(root);
            await BucketConfigStore.UpdateAsync(store, Set($"app{i}", $"lifecycle.keep_last={i}"), None);
        })));

        await using var reader = new LocalObjectStore(root);
        var config = (await BucketConfigStore.ReadAsync(reader, None)).Config;
        Assert.That(Enumerable.Range(1, 8).Select(i => config.Find($"app{i}")?.KeepLast), Is.EqualTo(Enumerable.Range(1, 8).Cast<int?>()));
        Assert.That(config.Default, Is.EqualTo(new ImageRules { KeepLast = 10, MaxAge = TimeSpan.FromDays(90) }), "the v1 default stays");
        Assert.That(File.ReadAllText(Path.Combine(root, "s3lo.yaml")), Does.StartWith("# s3lo local storage configuration\n"));
    }

    private static async Task PutAsync(IObjectStore store, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await store.PutAsync("s3lo.yaml", new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);
    }
}
