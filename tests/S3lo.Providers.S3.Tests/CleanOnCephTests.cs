using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Config;
using S3lo.Core.Transfer;
using S3lo.Providers.S3.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.S3.Tests;

/// <summary>clean end to end on a real bucket on the Ceph RGW: pruning, GC, and a push that lands mid-run.</summary>
public sealed class CleanOnCephTests : BucketTest
{
    private static readonly EffectiveRules KeepLastOne = EffectiveRules.BuiltIn with { KeepLast = new Setting<int?>(1, "[default]") };

    [Test]
    public async Task PrunesByTheRulesAndCollectsOnlyTheBlobsNoRemainingTagReaches()
    {
        var bucket = new ImageBucket(Store);
        var now = DateTimeOffset.UtcNow;
        var pruned = TestImage.Create(1);
        var kept = TestImage.Create(2);
        await PushAsync(bucket, pruned, "app", "1", now.AddDays(-2));
        await PushAsync(bucket, kept, "app", "2", now.AddDays(-1));
        var before = await KeysAsync();

        var dry = await new BucketCleaner(bucket, _ => KeepLastOne, new FixedClock(now.AddHours(2))).RunAsync(new CleanOptions(), null, None);
        Assert.That(await KeysAsync(), Is.EqualTo(before), "a dry run writes and deletes nothing");

        var report = await new BucketCleaner(bucket, _ => KeepLastOne, new FixedClock(now.AddHours(2))).RunAsync(new CleanOptions { Confirm = true }, null, None);

        Assert.That(report.Items.Select(i => (i.Category, i.Name)), Is.EqualTo(dry.Items.Select(i => (i.Category, i.Name))));
        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Tags).Select(i => i.Name), Is.EqualTo(new[] { "app:1" }));
        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Blobs).Select(i => i.Name), Is.EquivalentTo(pruned.Blobs.Keys));
        Assert.That(report.HasFailures, Is.False);
        var blobs = (await KeysAsync()).Where(k => k.StartsWith(BucketLayout.BlobsPrefix, StringComparison.Ordinal)).Select(k => "sha256:" + k[BucketLayout.BlobsPrefix.Length..]);
        Assert.That(blobs, Is.EquivalentTo(kept.Blobs.Keys));
        foreach (var (digest, bytes) in kept.Blobs) Assert.That(await GetAsync(BucketLayout.BlobsPrefix + digest[7..]), Is.EqualTo(bytes));
        Assert.That(await KeysAsync(), Has.None.StartWith(BucketLayout.RunningCleansPrefix));
    }

    [Test]
    public async Task ATagPushedOnceTheMarkerIsUpKeepsEveryBlobItReaches()
    {
        var bucket = new ImageBucket(Store);
        var image = TestImage.Create(7);
        await PushAsync(bucket, image, "app", "old", DateTimeOffset.UtcNow);
        await bucket.DeleteTagAsync("app", "old", None);
        var pushed = false;
        Task? push = null;
        // In-process only to pick the moment (no server can pause a clean after its marker); the push
        // and every read, list and delete go to the RGW.
        var hooked = new HookedStore(Store);
        hooked.AfterPut = async key =>
        {
            if (!key.StartsWith(BucketLayout.RunningCleansPrefix, StringComparison.Ordinal) || pushed) return;
            pushed = true;
            // The push waits for the marker to go after it commits (as one in another process would), so the
            // hook lets the clean go on once the tag is written.
            push = Task.Run(() => PushAsync(bucket, image, "app", "new", DateTimeOffset.UtcNow));
            while (!push.IsCompleted && await Store.HeadAsync(BucketLayout.ManifestKey("app", "new"), None) is null) await Task.Delay(10);
        };

        var report = await new BucketCleaner(new ImageBucket(hooked), _ => EffectiveRules.BuiltIn, new FixedClock(DateTimeOffset.UtcNow.AddHours(2)))
            .RunAsync(new CleanOptions { Confirm = true, Grace = TimeSpan.Zero }, null, None);
        await push!;

        Assert.That(pushed, Is.True);
        Assert.That(report.Items, Is.Empty);
        foreach (var (digest, bytes) in image.Blobs) Assert.That(await GetAsync(BucketLayout.BlobsPrefix + digest[7..]), Is.EqualTo(bytes));
        Assert.That(await KeysAsync(), Has.None.StartWith(BucketLayout.RunningCleansPrefix));
    }

    private static Task PushAsync(ImageBucket bucket, TestImage image, string repository, string tag, DateTimeOffset at) =>
        new TransferEngine().TransferAsync(new TestImageSource(image), new BucketImageDestination(bucket, repository, tag, new FixedClock(at)), new TransferOptions(), None);

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("", None)) keys.Add($"{info.Key} {info.ETag}");
        keys.Sort(StringComparer.Ordinal);
        return keys.Select(k => k.Split(' ')[0]).ToList();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
