using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.History;
using S3lo.Core.Tests.Cleaning;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.History;

public sealed class BucketHistoryTests : CleanFixture
{
    [Test]
    public async Task TagsAreListedNewestFirstWithTheDigestOfTheirManifest()
    {
        var old = TestImage.Create(1);
        var recent = TestImage.Create(2);
        await PushAsync(old, "app", "1", Clock.Now.AddDays(-2));
        await PushAsync(recent, "app", "2", Clock.Now.AddDays(-1));
        var rows = await BucketHistory.TagsAsync(Bucket, "app", null, all: false, 4, None);
        Assert.That(rows.Select(r => (r.Tag, r.Digest, r.Superseded)), Is.EqualTo(new[]
            { ("2", recent.Root.Digest.ToString(), false), ("1", old.Root.Digest.ToString(), false) }));
    }

    [Test]
    public async Task AllAddsTheOverwrittenPushMarkedSuperseded()
    {
        var first = TestImage.Create(1);
        var second = TestImage.Create(2);
        await PushAsync(first, "app", "1", Clock.Now.AddDays(-2));
        await PushAsync(second, "app", "1", Clock.Now.AddDays(-1));
        var current = await BucketHistory.TagsAsync(Bucket, "app", "1", all: false, 4, None);
        var all = await BucketHistory.TagsAsync(Bucket, "app", "1", all: true, 4, None);
        Assert.That(current.Select(r => r.Digest), Is.EqualTo(new[] { second.Root.Digest.ToString() }));
        Assert.That(all.Select(r => (r.Digest, r.Superseded)), Is.EqualTo(new[]
            { (second.Root.Digest.ToString(), false), (first.Root.Digest.ToString(), true) }));
    }

    [Test]
    public async Task ATagWithoutHistoryShowsItsManifestTimeAndNoSize()
    {
        var image = TestImage.Create(1);
        await PushAsync(image, "app", "1");
        File.Delete(Path.Combine(Root, "manifests", "app", "1", "history.json"));
        var row = (await BucketHistory.TagsAsync(Bucket, "app", null, all: true, 4, None)).Single();
        Assert.That((row.Digest, row.SizeBytes, row.Command),
            Is.EqualTo((image.Root.Digest.ToString(), (long?)null, (string?)null)));
        Assert.That(row.PushedAt.UtcDateTime, Is.EqualTo(File.GetLastWriteTimeUtc(Path.Combine(Root, "manifests", "app", "1", "manifest.json"))).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void AnImageWithNoTagsIsNotFound()
    {
        var e = Assert.ThrowsAsync<NotFoundException>(() => BucketHistory.TagsAsync(Bucket, "app", null, all: false, 4, None));
        Assert.That(e!.Message, Does.StartWith("no tags of 'app' in "));
    }

    [Test]
    public async Task BucketModeCountsEachSharedBlobOnce()
    {
        var image = TestImage.Create(1);
        await PushAsync(image, "app", "1", Clock.Now.AddDays(-2));
        await PushAsync(image, "app", "2", Clock.Now.AddDays(-1));
        await PushAsync(TestImage.Create(3), "other", "1", Clock.Now.AddDays(-3));
        var rows = await BucketHistory.ImagesAsync(Bucket, 4, None);
        var expected = image.Root.Size + image.Config.Length + image.Layers.Sum(l => (long)l.Length);
        Assert.That(rows.Select(r => (r.Image, r.Tags)), Is.EqualTo(new[] { ("app", 2), ("other", 1) }));
        Assert.That(rows[0].SizeBytes, Is.EqualTo(expected));
        Assert.That(rows[0].LastPush, Is.EqualTo(Clock.Now.AddDays(-1)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task TheV1FixtureTagShowsItsV1EntryWithNoCommand()
    {
        using var temp = new TempDir("history-v1");
        var root = FixtureStore.CopyTo(temp.Sub("store"));
        await using var bucket = new ImageBucket(new LocalObjectStore(root));
        var row = (await BucketHistory.TagsAsync(bucket, "alpine", null, all: true, 4, None)).Single();
        Assert.That((row.Tag, row.Digest, row.PushedAt, row.Command, row.Source, row.Superseded),
            Is.EqualTo(("latest", FixtureStore.IndexDigest, DateTimeOffset.Parse("2026-04-13T13:22:09Z"), (string?)null, (string?)null, false)));
    }
}
