using S3lo.Core.Storage;
using S3lo.Core.TempFiles;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Storage;

/// <summary>
/// A local store's incomplete uploads are what killed runs left in <c>.s3lo-tmp/</c>: write temps no
/// writer holds, and push work directories. Files are made there the way the store makes them (a
/// killed process is what leaves them; the name, mode and place are the store's).
/// </summary>
[TestFixture]
public class LocalIncompleteUploadTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = null!;
    private string _staging = null!;
    private LocalObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("uploads");
        _root = _temp.Sub("root");
        _store = new LocalObjectStore(_root);
        _staging = _store.StagingDirectory;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task ALeftoverWriteTempIsListedWithItsTimeAndSizeAndAbortDeletesIt()
    {
        await _store.PutAsync("blobs/sha256/kept", new MemoryStream("kept"u8.ToArray()), 4, PutOptions.Blob, None);
        var name = Guid.NewGuid().ToString("N");
        var written = DateTime.UtcNow.AddHours(-3);
        LeaveFile(Path.Combine(_staging, name), 1234, written);

        var listed = await ListAsync();

        Assert.That(listed, Has.Count.EqualTo(1));
        Assert.That(listed[0], Is.EqualTo(new IncompleteUpload(".s3lo-tmp/" + name, name, listed[0].Initiated, 1234)));
        Assert.That(listed[0].Initiated.UtcDateTime, Is.EqualTo(written).Within(TimeSpan.FromSeconds(1)));

        await _store.AbortAsync(listed[0], None);

        Assert.That(File.Exists(Path.Combine(_staging, name)), Is.False);
        Assert.That(await ListAsync(), Is.Empty);
        Assert.That((await _store.HeadAsync("blobs/sha256/kept", None))?.Size, Is.EqualTo(4), "aborting touches no object");
    }

    [Test]
    public async Task AWriteInProgressIsNotListedAndNothingIsLeftWhenItCompletes()
    {
        var source = new GatedStream(Bytes.Random(100_000, seed: 1), openFor: 40_000);
        var put = _store.PutAsync("blobs/sha256/slow", source, 100_000, PutOptions.Blob, None);
        await source.Paused;

        Assert.That(Directory.GetFiles(_staging), Has.Length.EqualTo(1), "the write's temp file is there");
        Assert.That(await ListAsync(), Is.Empty, "a temp its writer holds is not incomplete");

        source.Open();
        await put;

        Assert.That(await ListAsync(), Is.Empty);
        Assert.That((await _store.HeadAsync("blobs/sha256/slow", None))?.Size, Is.EqualTo(100_000));
    }

    [Test]
    public async Task ALeftoverWorkDirectoryIsListedWithItsNewestTimeAndTotalSizeAndAbortRemovesIt()
    {
        var name = "s3lo-encode-" + Guid.NewGuid().ToString("N");
        var directory = PrivateTemp.CreateDirectory(Path.Combine(_staging, name)).FullName;
        LeaveFile(Path.Combine(directory, Guid.NewGuid().ToString("N")), 100, DateTime.UtcNow.AddHours(-5));
        LeaveFile(Path.Combine(directory, Guid.NewGuid().ToString("N")), 50, DateTime.UtcNow.AddHours(-2));
        Directory.SetLastWriteTimeUtc(directory, DateTime.UtcNow.AddHours(-5));

        var listed = (await ListAsync()).Single();

        Assert.That((listed.Key, listed.UploadId, listed.Size), Is.EqualTo((".s3lo-tmp/" + name, name, 150L)));
        Assert.That(listed.Initiated.UtcDateTime, Is.EqualTo(DateTime.UtcNow.AddHours(-2)).Within(TimeSpan.FromMinutes(1)));

        await _store.AbortAsync(listed, None);

        Assert.That(Directory.Exists(directory), Is.False);
        Assert.That(await ListAsync(), Is.Empty);
    }

    [Test]
    public async Task LockFilesAndNamesTheStoreDoesNotMakeAreNeverListed()
    {
        await _store.PutAsync("manifests/app/v1/manifest.json", new MemoryStream("m"u8.ToArray()), 1, PutOptions.Metadata, None);
        LeaveFile(Path.Combine(_staging, "lock-" + new string('a', 64)), 0, DateTime.UtcNow.AddDays(-3));
        LeaveFile(Path.Combine(_staging, "notes.txt"), 10, DateTime.UtcNow.AddDays(-3));
        Directory.CreateDirectory(Path.Combine(_staging, "s3lo-other"));

        Assert.That(await ListAsync(), Is.Empty);
    }

    [Test]
    public async Task AbortingOneThatIsGoneIsNoErrorAndAnIdThatIsNotAStoreNameTouchesNothing()
    {
        var gone = Guid.NewGuid().ToString("N");
        await _store.PutAsync("blobs/sha256/kept", new MemoryStream("kept"u8.ToArray()), 4, PutOptions.Blob, None);

        Assert.DoesNotThrowAsync(() => _store.AbortAsync(new IncompleteUpload(".s3lo-tmp/" + gone, gone, DateTimeOffset.UtcNow, 1), None));
        Assert.DoesNotThrowAsync(() => _store.AbortAsync(new IncompleteUpload("blobs", "../blobs", DateTimeOffset.UtcNow, 1), None));
        Assert.DoesNotThrowAsync(() => _store.AbortAsync(new IncompleteUpload("x", "../blobs/sha256/kept", DateTimeOffset.UtcNow, 1), None));

        Assert.That((await _store.HeadAsync("blobs/sha256/kept", None))?.Size, Is.EqualTo(4));
    }

    [Test]
    public async Task AStoreWithoutATempDirectoryHasNone()
    {
        Directory.Delete(_staging);

        Assert.That(await ListAsync(), Is.Empty);
    }

    private static void LeaveFile(string path, int size, DateTime lastWrite)
    {
        using (var file = new FileStream(path, PrivateTemp.NewFile(4096, FileOptions.None)))
            file.Write(Bytes.Random(size, seed: size));
        File.SetLastWriteTimeUtc(path, lastWrite);
    }

    private async Task<List<IncompleteUpload>> ListAsync()
    {
        var list = new List<IncompleteUpload>();
        await foreach (var upload in _store.ListIncompleteUploadsAsync(None)) list.Add(upload);
        return list;
    }

    /// <summary>A source that hands out <c>openFor</c> bytes, then waits until <see cref="Open"/>: a write caught in progress.</summary>
    private sealed class GatedStream(byte[] data, int openFor) : Stream
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Paused => _paused.Task;
        public void Open() => _open.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= openFor)
            {
                _paused.TrySetResult();
                await _open.Task.WaitAsync(cancellationToken);
            }
            var limit = _position < openFor ? openFor : data.Length;
            var n = Math.Min(buffer.Length, limit - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
