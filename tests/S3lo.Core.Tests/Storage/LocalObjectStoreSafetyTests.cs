using System.Runtime.Versioning;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Core.TempFiles;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Storage;

/// <summary>A store someone else can write into: symlinks planted below the root, temp file modes, leftovers.</summary>
[TestFixture]
public class LocalObjectStoreSafetyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = null!;
    private string _outside = null!;
    private LocalObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("safety");
        _root = _temp.Sub("root");
        _outside = _temp.Sub("outside");
        File.WriteAllText(Path.Combine(_root, "s3lo.yaml"), "default: {}\n");
        _store = new LocalObjectStore(_root);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] bytes) =>
        _store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);

    [Test]
    public void ASymlinkedFileIsNeitherReadNorOverwritten()
    {
        var secret = Path.Combine(_outside, "secret");
        File.WriteAllText(secret, "secret");
        Directory.CreateDirectory(Path.Combine(_root, "manifests"));
        File.CreateSymbolicLink(Path.Combine(_root, "manifests", "x"), secret);

        var read = Assert.ThrowsAsync<S3loException>(() => _store.OpenReadAsync("manifests/x", None))!;
        Assert.That(read.Message, Is.EqualTo($"manifests/x in the local store {_root} is a symlink (to {secret}); s3lo follows no symlinks inside a store, so 'manifests/x' was not touched"));
        Assert.ThrowsAsync<S3loException>(() => _store.HeadAsync("manifests/x", None));
        Assert.ThrowsAsync<S3loException>(() => _store.OpenReadRangeAsync("manifests/x", 0, 1, None));
        Assert.ThrowsAsync<S3loException>(() => PutAsync("manifests/x", "evil"u8.ToArray()));
        Assert.ThrowsAsync<S3loException>(() => _store.DeleteAsync("manifests/x", None));

        Assert.That(File.ReadAllText(secret), Is.EqualTo("secret"));
    }

    [Test]
    public void NothingIsWrittenThroughASymlinkedDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_root, "manifests"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "manifests", "app"), _outside);

        var ex = Assert.ThrowsAsync<S3loException>(() => PutAsync("manifests/app/v1/manifest.json", "{}"u8.ToArray()))!;

        Assert.That(ex.Message, Does.StartWith($"manifests/app in the local store {_root} is a symlink (to {_outside})"));
        Assert.That(Directory.GetFileSystemEntries(_outside), Is.Empty);
    }

    [Test]
    public void ASymlinkedStagingDirectoryIsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, ".s3lo-tmp"), _outside);

        var ex = Assert.ThrowsAsync<S3loException>(() => PutAsync("blobs/sha256/abc", "x"u8.ToArray()))!;

        Assert.That(ex.Message, Does.StartWith($".s3lo-tmp in the local store {_root} is a symlink"));
        Assert.That(Directory.GetFileSystemEntries(_outside), Is.Empty);
    }

    [Test]
    public async Task ListingsSkipSymlinkedFilesAndDirectories()
    {
        await PutAsync("manifests/real/v1/manifest.json", "{}"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(_outside, "v1"));
        File.WriteAllText(Path.Combine(_outside, "v1", "manifest.json"), "{}");
        Directory.CreateSymbolicLink(Path.Combine(_root, "manifests", "linked"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "manifests", "real", "v1", "extra.json"), Path.Combine(_outside, "v1", "manifest.json"));

        var keys = new List<string>();
        await foreach (var info in _store.ListAsync("manifests/", None)) keys.Add(info.Key);

        Assert.That(keys, Is.EqualTo(new[] { "manifests/real/v1/manifest.json" }));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public async Task Temp_files_are_owner_only_while_written_and_objects_readable_like_the_store()
    {
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var seen = new List<UnixFileMode>();
        var content = new ObservingStream(new byte[4096], () =>
            seen.AddRange(Directory.GetFiles(Path.Combine(_root, ".s3lo-tmp")).Select(File.GetUnixFileMode)));

        await _store.PutAsync("blobs/sha256/abc", content, 4096, PutOptions.Blob, None);

        Assert.That(File.GetUnixFileMode(Path.Combine(_root, ".s3lo-tmp")), Is.EqualTo(PrivateTemp.DirectoryMode));
        Assert.That(seen, Is.Not.Empty.And.All.EqualTo(PrivateTemp.FileMode), "the temp file holding the bytes is 0600");
        Assert.That(File.GetUnixFileMode(Path.Combine(_root, "blobs", "sha256", "abc")),
            Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead), "0644 in a 0755 store");
    }

    [Test]
    public async Task OpeningAStoreClearsDayOldTempFilesOnly()
    {
        var staging = Directory.CreateDirectory(Path.Combine(_root, ".s3lo-tmp")).FullName;
        var old = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        var fresh = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        var lockFile = Path.Combine(staging, "lock-" + new string('a', 64));
        var oldDir = Directory.CreateDirectory(Path.Combine(staging, "s3lo-archive-" + Guid.NewGuid().ToString("N"))).FullName;
        foreach (var f in new[] { old, fresh, lockFile, Path.Combine(oldDir, "x") }) File.WriteAllText(f, "x");
        var twoDaysAgo = DateTime.UtcNow.AddDays(-2);
        foreach (var f in new[] { old, lockFile }) File.SetLastWriteTimeUtc(f, twoDaysAgo);
        Directory.SetLastWriteTimeUtc(oldDir, twoDaysAgo);

        await using (await new LocalStoreProvider().OpenAsync(_root, new StoreOptions(), None))
        {
        }

        Assert.That(File.Exists(old), Is.False);
        Assert.That(Directory.Exists(oldDir), Is.False);
        Assert.That(File.Exists(fresh), Is.True);
        Assert.That(File.Exists(lockFile), Is.True, "lock files stay");
    }

    [Test]
    public void AnExistingDirectoryThatIsNoStoreIsRefused()
    {
        var project = _temp.Sub("project");
        Directory.CreateDirectory(Path.Combine(project, "manifests"));

        var ex = Assert.ThrowsAsync<UsageException>(() => new LocalStoreProvider().OpenAsync(project, new StoreOptions(), None))!;

        Assert.That(ex.Message, Does.StartWith($"{project} is not an s3lo store"));
        Assert.That(Directory.GetFileSystemEntries(project).Select(Path.GetFileName), Is.EqualTo(new[] { "manifests" }));
    }

    /// <summary>Calls back on the first read: the moment the temp file exists and is being filled.</summary>
    private sealed class ObservingStream(byte[] bytes, Action onFirstRead) : MemoryStream(bytes)
    {
        private bool _called;

        public override int Read(byte[] buffer, int offset, int count)
        {
            Observe();
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Observe();
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Observe();
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            Observe();
            return base.CopyToAsync(destination, bufferSize, cancellationToken);
        }

        private void Observe()
        {
            if (_called) return;
            _called = true;
            onFirstRead();
        }
    }
}
