using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Bucket;

/// <summary>Copies into an immutable tag of a real local store: refused, forced, or a no-op for the same image.</summary>
public sealed class ImmutableTagTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly EffectiveRules Immutable = EffectiveRules.BuiltIn with { Immutable = new Setting<bool>(true, "[image]") };
    private TempDir _temp = null!;
    private ImageBucket _source = null!;
    private ImageBucket _destination = null!;
    private ManifestBlob _first = null!;
    private ManifestBlob _second = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDir("immutable");
        _source = new ImageBucket(new LocalObjectStore(_temp.Sub("source")));
        _destination = new ImageBucket(new LocalObjectStore(_temp.Sub("destination")));
        var images = new ImageBuilder(_source);
        _first = await images.PutImageAsync("linux", "amd64", null, seed: 1);
        _second = await images.PutImageAsync("linux", "amd64", null, seed: 2);
        await images.TagAsync("src", "first", _first);
        await images.TagAsync("src", "second", _second);
        await CopyAsync("first", Destination(rules: null));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _source.DisposeAsync();
        await _destination.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task MovingAnImmutableTagIsRefusedNamingTheDigestItHoldsAndWritesNothing()
    {
        var historyBefore = await HistoryBytesAsync();
        var blobsBefore = BlobFiles();

        var error = Assert.ThrowsAsync<S3loException>(() => CopyAsync("second", Destination(Immutable)))!;

        Assert.That(error.Message, Is.EqualTo($"app:1 in {_destination.Name} is immutable and holds {_first.Digest}; it was not moved"));
        Assert.That(error.Hint, Is.EqualTo("push a new tag, or add --force to move it anyway"));
        Assert.That(error, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
        Assert.That((await _destination.ReadTagAsync("app", "1", None))!.Manifest.Digest, Is.EqualTo(_first.Digest));
        Assert.That(await HistoryBytesAsync(), Is.EqualTo(historyBefore), "history untouched");
        Assert.That(BlobFiles(), Is.EqualTo(blobsBefore), "refused before any blob went up");
    }

    [Test]
    public async Task ForceMovesAnImmutableTagAndSaysSoInTheReportTheOutputAndHistory()
    {
        var observer = new RecordingObserver();

        var report = await CopyAsync("second", Destination(Immutable, force: true), observer);

        Assert.That(report.Commit.Forced, Is.True);
        Assert.That(observer.Messages, Does.Contain($"forced: app:1 moved from {_first.Digest} to {_second.Digest} (immutable)"));
        Assert.That((await _destination.ReadTagAsync("app", "1", None))!.Manifest.Digest, Is.EqualTo(_second.Digest));
        var history = await _destination.ReadHistoryAsync("app", "1", None);
        Assert.That(history.Select(h => (h.Digest, h.Forced)),
            Is.EqualTo(new[] { (_second.Digest.ToString(), true), (_first.Digest.ToString(), false) }));
        var raw = Encoding.UTF8.GetString(await HistoryBytesAsync());
        Assert.That(raw, Does.StartWith($"[{{\"pushed_at\":").And.Contain($"\"digest\":\"{_second.Digest}\",\"size_bytes\":{history[0].SizeBytes},\"forced\":true}}"));
        Assert.That(raw.Split("forced").Length - 1, Is.EqualTo(1), "an ordinary entry has no forced key, as s3lo v1 writes it");
    }

    [Test]
    public async Task CopyingTheImageAnImmutableTagHoldsAgainChangesNothing()
    {
        var historyBefore = await HistoryBytesAsync();

        var report = await CopyAsync("first", Destination(Immutable));

        Assert.That(report.Commit.Unchanged, Is.True);
        Assert.That(report.Commit.Forced, Is.False);
        Assert.That(await HistoryBytesAsync(), Is.EqualTo(historyBefore));
    }

    [Test]
    public async Task ForceOnAMutableTagIsNoForcedMove()
    {
        var report = await CopyAsync("second", Destination(rules: null, force: true));

        Assert.That(report.Commit.Forced, Is.False, "nothing immutable was overridden");
        Assert.That((await _destination.ReadHistoryAsync("app", "1", None))[0].Forced, Is.False);
    }

    [Test]
    public async Task AnImmutableTagThatAppearsWhileTheCopyRunsIsNotOverwritten()
    {
        await _destination.DeleteTagAsync("app", "1", None);
        // The other push lands while this copy moves its blobs: after the plan was accepted, before the commit.
        var observer = new RecordingObserver { OnBlobCompleted = () => new ImageBuilder(_destination).TagAsync("app", "1", _first).GetAwaiter().GetResult() };

        var error = Assert.ThrowsAsync<S3loException>(() => CopyAsync("second", Destination(Immutable), observer))!;

        Assert.That(error.Message, Is.EqualTo($"app:1 in {_destination.Name} is immutable and holds {_first.Digest}; it was not moved"));
        Assert.That((await _destination.ReadTagAsync("app", "1", None))!.Manifest.Digest, Is.EqualTo(_first.Digest));
        Assert.That(await _destination.ReadHistoryAsync("app", "1", None), Is.Empty, "the refused copy wrote no history");
    }

    private BucketImageDestination Destination(EffectiveRules? rules, bool force = false) =>
        new(_destination, "app", "1", TimeProvider.System, rules: rules, force: force);

    private async Task<TransferReport> CopyAsync(string sourceTag, BucketImageDestination destination, ITransferObserver? observer = null)
    {
        await using (destination)
        {
            await destination.SnapshotTagAsync(None);
            return await new TransferEngine().TransferAsync(new BucketImageSource(_source, "src", sourceTag, null), destination,
                new TransferOptions { Observer = observer ?? NullTransferObserver.Instance, Concurrency = 1 }, None);
        }
    }

    private async Task<byte[]> HistoryBytesAsync() => await _destination.ReadAllAsync(BucketLayout.HistoryKey("app", "1"), None);

    private string[] BlobFiles() => [.. Directory.GetFiles(Path.Combine(_temp.Path, "destination", "blobs", "sha256")).Order()];

    private sealed class RecordingObserver : ITransferObserver
    {
        public List<string> Messages { get; } = [];
        public Action? OnBlobCompleted { get; init; }
        private bool _fired;

        public void Message(string text)
        {
            lock (Messages) Messages.Add(text);
        }

        public void BlobCompleted(Descriptor blob)
        {
            if (_fired || OnBlobCompleted is null) return;
            _fired = true;
            OnBlobCompleted();
        }
    }
}
