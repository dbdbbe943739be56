using System.Text;
using S3lo.Core.Config;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>Concurrent <c>config set</c> from several machines on a real Ceph RGW: If-Match orders them, none is lost.</summary>
[TestFixture]
public class ConfigConcurrencyTests : BucketTest
{
    private const string V1Config = "# s3lo local storage configuration\n\ndefault:\n  lifecycle:\n    keep_last: 10\n    max_age: 90d\n";

    private static Func<string, string> SetKeepLast(string image, int keepLast) =>
        text => new ConfigDocument(text).Set(image, ConfigKeys.ParseAssignment($"lifecycle.keep_last={keepLast}"));

    [Test]
    public async Task EightParallelUpdatesAllSurvive()
    {
        var bytes = Encoding.UTF8.GetBytes(V1Config);
        await Store.PutAsync("s3lo.yaml", new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);

        // One store (one S3 client) per writer, as eight machines would have.
        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await using var store = await new S3StoreProvider().OpenAsync(Bucket, RgwServer.Options(create: false), None);
            await BucketConfigStore.UpdateAsync(store, SetKeepLast($"app{i}", i), None);
        })));

        var read = await BucketConfigStore.ReadAsync(Store, None);
        Assert.That(Enumerable.Range(1, 8).Select(i => read.Config.Find($"app{i}")?.KeepLast), Is.EqualTo(Enumerable.Range(1, 8).Cast<int?>()));
        Assert.That(read.Text, Does.StartWith(V1Config), "the comment and the v1 default are kept as written");
    }

    [Test]
    public async Task EightParallelFirstWritesOfAMissingConfigAllSurvive()
    {
        // No file yet: the first writer wins If-None-Match, the others re-read and edit its text.
        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await using var store = await new S3StoreProvider().OpenAsync(Bucket, RgwServer.Options(create: false), None);
            await BucketConfigStore.UpdateAsync(store, SetKeepLast($"app{i}", i), None);
        })));

        var read = await BucketConfigStore.ReadAsync(Store, None);
        Assert.That(read.Config.Images.Select(e => e.Pattern).Order(), Is.EqualTo(Enumerable.Range(1, 8).Select(i => $"app{i}").Order()));
    }

    [Test]
    public async Task TheConfigIsStoredAsYaml()
    {
        await BucketConfigStore.UpdateAsync(Store, SetKeepLast("app", 3), None);

        var head = await RgwServer.Admin.GetObjectMetadataAsync(Bucket, "s3lo.yaml");
        Assert.That(head.Headers.ContentType, Is.EqualTo("application/yaml"));
        Assert.That(Encoding.UTF8.GetString(await GetAsync("s3lo.yaml")), Is.EqualTo("images:\n  app: {lifecycle: {keep_last: 3}}\n"));
    }
}
