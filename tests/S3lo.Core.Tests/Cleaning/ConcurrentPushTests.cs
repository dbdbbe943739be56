using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Storage;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Cleaning;

/// <summary>
/// Pushes that land while a clean runs. The push is injected at one exact step through
/// <see cref="HookedStore"/>: no real server can pause a clean between its walk and its deletes.
/// </summary>
public sealed class ConcurrentPushTests : CleanFixture
{
    private static readonly CleanOptions Confirmed = new() { Confirm = true, Grace = TimeSpan.Zero };

    [Test]
    public async Task ATagWrittenAfterTheWalkAndBeforeTheDeletesKeepsItsBlobs()
    {
        // The old tag is gone, so its blobs are unreachable when the clean walks...
        var image = TestImage.Create(7);
        await PushAsync(image, "app", "old");
        await Bucket.DeleteTagAsync("app", "old", None);
        byte[]? marker = null;
        Task? push = null;
        var hooked = new HookedStore(Store);
        hooked.AfterPut = async key =>
        {
            if (!key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal) || marker is not null) return;
            marker = await ReadAsync(key);
            // ...and a push of the same image to a new tag lands once the marker is written: it uploads no
            // blob (all exist), only its manifest.json.
            push = await PushUntilTaggedAsync(image, "app", "new");
        };

        var report = await CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, through: hooked);
        await push!;

        Assert.That(marker, Is.Not.Null, "the clean had blobs to delete, so it wrote its marker");
        Assert.That(report.Items, Is.Empty, "the recheck found app:new and kept every blob it reaches");
        foreach (var (digest, bytes) in image.Blobs) Assert.That(await ReadBlobAsync(digest), Is.EqualTo(bytes));
        Assert.That(TempDir.FilesUnder(Path.Combine(Root, "s3lo-gc")), Is.Empty, "the marker is removed afterwards");
    }

    [Test]
    public async Task APlatformManifestMissingAtTheWalkAndPushedBeforeTheRecheckIsReadThen()
    {
        // broken:1 lists a platform manifest whose blob is gone, so its config and layer look unreachable...
        var builder = new Support.ImageBuilder(Bucket);
        var platform = await builder.PutImageAsync("linux", "amd64", null, seed: 50);
        var index = Support.ImageBuilder.Index(Support.ImageBuilder.Entry(platform, "linux", "amd64"));
        await builder.TagAsync("broken", "1", index);
        await Store.DeleteAsync(BucketLayout.BlobsPrefix + platform.Digest.Hex, None);
        var hooked = new HookedStore(Store);
        var pushed = false;
        hooked.AfterPut = async key =>
        {
            if (!key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal) || pushed) return;
            pushed = true;
            // ...until a push uploads that manifest again and tags an index listing it, before the recheck.
            await builder.PutManifestBlobAsync(platform);
            await builder.TagAsync("fixed", "1", index);
        };

        var report = await CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, through: hooked);

        Assert.That(pushed, Is.True);
        Assert.That(report.Items, Is.Empty, "the recheck read the manifest it had found missing before");
        Assert.That(BlobDigests(), Does.Contain(platform.Manifest!.Config.Digest).And.Contain(platform.Manifest.Layers[0].Digest));
        Assert.That(report.Warnings, Is.EqualTo(new[] { $"broken:1: manifest {platform.Digest} is missing from the bucket (the image is broken already)" }));
    }

    [Test]
    public async Task TheMarkerNamesTheRunAndExpiresTenMinutesAfterItWasWrittenAndIsGoneAfterTheDeletes()
    {
        await new Support.ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        string? markerKey = null;
        byte[]? marker = null;
        var hooked = new HookedStore(Store);
        hooked.AfterPut = async key =>
        {
            if (!key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal)) return;
            markerKey = key;
            marker = await ReadAsync(key);
        };

        var report = await CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, through: hooked);

        Assert.That(report.TotalOf(CleanCategory.Blobs).Count, Is.EqualTo(1));
        using var json = JsonDocument.Parse(marker!);
        var run = json.RootElement.GetProperty("run").GetString();
        Assert.That(markerKey, Is.EqualTo($"{BucketLayout.RunningCleansPrefix}{run}.json"));
        var started = DateTimeOffset.Parse(json.RootElement.GetProperty("started_at").GetString()!);
        var expires = DateTimeOffset.Parse(json.RootElement.GetProperty("expires_at").GetString()!);
        Assert.That(started, Is.EqualTo(Clock.Now).Within(TimeSpan.FromSeconds(1)));
        Assert.That(expires - started, Is.EqualTo(TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(json.RootElement.GetProperty("expires_at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"), "RFC 3339 UTC");
        Assert.That(await Store.HeadAsync(markerKey!, None), Is.Null);
    }

    [Test]
    public async Task TheMarkerIsRemovedWhenTheDeletesFail()
    {
        await new Support.ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        var hooked = new HookedStore(Store);
        // The recheck's listing of the tags fails: the run stops after the marker went up.
        var markerWritten = false;
        hooked.AfterPut = key =>
        {
            markerWritten |= key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal);
            return Task.CompletedTask;
        };
        hooked.AfterList = prefix => markerWritten && prefix == BucketLayout.ManifestsPrefix ? throw new IOException("listing cut") : Task.CompletedTask;

        Assert.ThrowsAsync<IOException>(() => CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, through: hooked));

        Assert.That(markerWritten, Is.True);
        Assert.That(TempDir.FilesUnder(Path.Combine(Root, "s3lo-gc")), Is.Empty);
        Assert.That(BlobDigests(), Has.Count.EqualTo(1), "nothing was deleted");
    }

    [Test]
    public async Task DeletesStopWhenTheMarkerCouldNotBeKeptFreshForPushesToSeeIt()
    {
        var stray = await new Support.ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        var hooked = new HookedStore(Store);
        // Seven minutes pass right after the marker went up, with no refresh: pushes on another
        // machine may already see it as expired, so deleting now could take a blob from under one.
        hooked.AfterPut = key =>
        {
            if (key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal)) Clock.Now += TimeSpan.FromMinutes(7);
            return Task.CompletedTask;
        };

        var report = await CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, through: hooked);

        Assert.That(report.Items.Select(i => (i.Name, i.Failure)), Is.EqualTo(new[] { (stray.Digest, "not deleted: the running-clean marker could not be kept fresh") }));
        Assert.That(report.HasFailures, Is.True, "exit 1");
        Assert.That(report.Warnings, Is.EqualTo(new[] { $"clean stopped: its running-clean marker in {Store.DisplayName} could not be kept fresh; the remaining blobs were not deleted" }));
        Assert.That(BlobDigests(), Is.EqualTo(new[] { stray.Digest }));
    }

    [Test]
    public async Task ATagAPushMovesAfterCleanReadItIsKeptWithAWarning()
    {
        await PushAsync(TestImage.Create(1), "app", "1", Clock.Now.AddDays(-3));
        await PushAsync(TestImage.Create(2), "app", "2", Clock.Now.AddDays(-2));
        var moved = TestImage.Create(3);
        var hooked = new HookedStore(Store);
        var pushed = false;
        // The push lands once clean has read app:1's history (the push time it decides on).
        hooked.AfterOpen = async key =>
        {
            if (key != BucketLayout.HistoryKey("app", "1") || pushed) return;
            pushed = true;
            await Task.Delay(20); // a later modification time, as a real later write has
            await PushAsync(moved, "app", "1");
        };

        var report = await CleanLaterAsync(TimeSpan.FromHours(2), Confirmed, Rules(keepLast: 1), through: hooked);

        Assert.That(report.Warnings, Is.EqualTo(new[] { "app:1 was pushed again while clean ran; it was kept" }));
        Assert.That(report.TotalOf(CleanCategory.Tags).Count, Is.Zero);
        var tag = await Bucket.ReadTagAsync("app", "1", None);
        Assert.That(tag!.Manifest.Digest, Is.EqualTo(moved.Root.Digest));
        foreach (var (digest, bytes) in moved.Blobs) Assert.That(await ReadBlobAsync(digest), Is.EqualTo(bytes));
    }

    [Test]
    public async Task ALeftoverLocalUploadOlderThanTheGraceIsAborted()
    {
        if ((IObjectStore)Store is not IIncompleteUploads)
            Assert.Ignore("the local store lists no incomplete uploads on this branch yet (IIncompleteUploads comes with the providers' change)");
        var temp = Path.Combine(Root, ".s3lo-tmp");
        Directory.CreateDirectory(temp);
        var leftover = Path.Combine(temp, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(leftover, Bytes.Random(2048, 1));
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddDays(-2));

        var dry = await CleanAsync(new CleanOptions());
        Assert.That(dry.TotalOf(CleanCategory.Uploads), Is.EqualTo(new CleanTotal(CleanCategory.Uploads, 1, 2048, 0)));
        Assert.That(File.Exists(leftover), Is.True, "a dry run aborts nothing");

        var report = await CleanAsync(new CleanOptions { Confirm = true });

        Assert.That(report.TotalOf(CleanCategory.Uploads), Is.EqualTo(new CleanTotal(CleanCategory.Uploads, 1, 2048, 0)));
        Assert.That(File.Exists(leftover), Is.False);
    }

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
    }
}
