using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Config;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Cleaning;

/// <summary>A real local store per test, pushes dated by a clock the test sets, and one clean call.</summary>
public abstract class CleanFixture
{
    protected static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;

    protected string Root { get; private set; } = "";
    protected LocalObjectStore Store { get; private set; } = null!;
    protected ImageBucket Bucket { get; private set; } = null!;

    /// <summary>Dates pushes (history.json) and is clean's "now". Blob times are the files' real ones.</summary>
    internal ManualClock Clock { get; private set; } = null!;

    [SetUp]
    public void CreateStore()
    {
        _temp = new TempDir("clean");
        Root = _temp.Sub("store");
        Store = new LocalObjectStore(Root);
        Bucket = new ImageBucket(Store);
        Clock = new ManualClock(DateTimeOffset.UtcNow);
    }

    [TearDown]
    public async Task DeleteStore()
    {
        await Bucket.DisposeAsync();
        await Store.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Pushes an image to repository:tag as a copy does, dated <paramref name="at"/> (default: the clock's now).</summary>
    protected async Task PushAsync(TestImage image, string repository, string tag, DateTimeOffset? at = null, IObjectStore? through = null)
    {
        var clock = new ManualClock(at ?? Clock.Now);
        var bucket = through is null ? Bucket : new ImageBucket(through);
        await new TransferEngine().TransferAsync(new TestImageSource(image), new BucketImageDestination(bucket, repository, tag, clock), new TransferOptions(), None);
    }

    /// <summary>
    /// Starts a push from inside a clean (a hook) and returns once its tag is written. The push then waits for
    /// the clean's marker to go, as one in another process would, so the hook must not wait for all of it:
    /// await the returned task after the clean.
    /// </summary>
    protected async Task<Task> PushUntilTaggedAsync(TestImage image, string repository, string tag)
    {
        var push = Task.Run(() => PushAsync(image, repository, tag));
        var key = BucketLayout.ManifestKey(repository, tag);
        while (!push.IsCompleted && await Store.HeadAsync(key, None) is null) await Task.Delay(5);
        if (push.IsFaulted) await push;
        return push;
    }

    protected Task<CleanReport> CleanAsync(CleanOptions options, EffectiveRules? rules = null, IObjectStore? through = null) =>
        new BucketCleaner(through is null ? Bucket : new ImageBucket(through), _ => rules ?? EffectiveRules.BuiltIn, Clock).RunAsync(options, null, None);

    /// <summary>Runs the clean as if <paramref name="later"/> had passed since the blobs were written.</summary>
    protected Task<CleanReport> CleanLaterAsync(TimeSpan later, CleanOptions options, EffectiveRules? rules = null, IObjectStore? through = null)
    {
        Clock.Now = DateTimeOffset.UtcNow + later;
        return CleanAsync(options, rules, through);
    }

    /// <summary>Every blob digest in the store, sorted.</summary>
    protected IReadOnlyList<string> BlobDigests() =>
        TempDir.FilesUnder(Path.Combine(Root, "blobs", "sha256")).Select(hex => "sha256:" + hex).ToList();

    /// <summary>Every key in the store with its size and time: equal listings mean nothing was written or deleted.</summary>
    protected IReadOnlyList<string> Listing() =>
        TempDir.FilesUnder(Root).Where(k => !k.StartsWith(".s3lo-tmp/", StringComparison.Ordinal))
            .Select(k => $"{k} {new FileInfo(Path.Combine(Root, k)).Length} {File.GetLastWriteTimeUtc(Path.Combine(Root, k)).Ticks}").ToList();

    protected async Task<byte[]> ReadBlobAsync(string digest)
    {
        await using var stream = await Store.OpenReadAsync(BucketLayout.BlobsPrefix + digest["sha256:".Length..], None);
        return await Bytes.ReadAllAsync(stream);
    }

    protected async Task PutAsync(string key, byte[] bytes) =>
        await Store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);

    protected static EffectiveRules Rules(int? keepLast = null, TimeSpan? maxAge = null, params string[] keepTags) => new(
        new Setting<bool>(false, "[test]"), new Setting<int?>(keepLast, "[test]"), new Setting<TimeSpan?>(maxAge, "[test]"),
        new Setting<IReadOnlyList<string>>(keepTags, "[test]"));

    /// <summary>The blobs a pushed test image stores: config and layers (its manifest lives in manifest.json).</summary>
    protected static IEnumerable<string> BlobsOf(TestImage image) => image.Blobs.Keys;
}
