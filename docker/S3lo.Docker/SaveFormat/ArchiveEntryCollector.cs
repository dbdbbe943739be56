using System.Buffers;
using System.Formats.Tar;
using System.Security.Cryptography;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.TempFiles;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// One sequential pass over a <c>docker save</c> tar: layer candidates are spooled to disk and hashed in
/// the same pass, small JSON documents kept in memory, links recorded to be resolved once everything is
/// seen (docker writes manifest.json last, and a symlink may come before its target).
/// </summary>
internal sealed class ArchiveEntryCollector
{
    private const int BufferSize = 1024 * 1024;
    /// <summary>OCI blobs up to this size stay in memory until it is known which of them are layers.</summary>
    private const int SmallBlobBytes = 64 * 1024;
    /// <summary>Bounds the memory of many small blobs; past it they are spooled like big ones.</summary>
    private const long InMemoryBudget = 64L * 1024 * 1024;
    private const int MaxLinkHops = 40;
    private const string BlobPrefix = "blobs/sha256/";

    private readonly string _spoolDirectory;
    private readonly DockerArchiveReadOptions _options;
    private readonly CancellationToken _callbackToken;
    private readonly string _spoolPrefix = Guid.NewGuid().ToString("N")[..12];
    private readonly List<Task> _callbacks = [];
    private readonly HashSet<string> _spoolFiles = new(StringComparer.Ordinal);
    private long _inMemory;
    private int _spoolCounter;

    public ArchiveEntryCollector(string spoolDirectory, DockerArchiveReadOptions options, CancellationToken callbackToken)
    {
        _spoolDirectory = spoolDirectory;
        _options = options;
        _callbackToken = callbackToken;
    }

    public Dictionary<string, ArchiveFile> Files { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);
    public IReadOnlyCollection<string> SpoolFiles => _spoolFiles;

    public async Task CollectAsync(Stream tar, CancellationToken ct)
    {
        PrivateTemp.CreateDirectory(_spoolDirectory);
        await using var reader = new TarReader(tar, leaveOpen: true);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.SymbolicLink:
                        var link = ArchivePath.Normalize(entry.Name);
                        Links[link] = ArchivePath.ResolveLinkTarget(link, entry.LinkName);
                        break;
                    case TarEntryType.HardLink:
                        Links[ArchivePath.Normalize(entry.Name)] = ArchivePath.Normalize(entry.LinkName);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        await ReadFileAsync(ArchivePath.Normalize(entry.Name), entry.DataStream, entry.Length, buffer, ct).ConfigureAwait(false);
                        break;
                    default:
                        // Directories, pax globals, devices: nothing an image is made of.
                        if (entry.EntryType != TarEntryType.GlobalExtendedAttributes) ArchivePath.Normalize(entry.Name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new S3loException($"the image archive is not a valid tar: {e.Message}", inner: e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The file a name refers to, following symlinks and hard links in any of its directories.</summary>
    public ArchiveFile? Find(string name)
    {
        string path;
        try
        {
            path = ArchivePath.Normalize(name);
        }
        catch (S3loException)
        {
            return null;
        }
        for (var hop = 0; hop <= MaxLinkHops; hop++)
        {
            if (Files.TryGetValue(path, out var file)) return file;
            var next = FollowLink(path);
            if (next is null) return null;
            path = next;
        }
        throw new S3loException($"the image archive has a symlink loop at '{name}'");
    }

    /// <summary>The JSON document a name refers to, within the size limit.</summary>
    public async Task<byte[]> ReadJsonAsync(ArchiveFile file, CancellationToken ct)
    {
        if (file.Size > _options.MaxJsonBytes)
            throw new S3loException($"{file.Name} in the image archive is {file.Size} bytes, over the {_options.MaxJsonBytes}-byte limit for JSON documents");
        if (file.Bytes is not null) return file.Bytes;
        if (file.SpoolPath is not null) return await File.ReadAllBytesAsync(file.SpoolPath, ct).ConfigureAwait(false);
        throw new S3loException($"{file.Name} in the image archive was skipped but is needed as a JSON document");
    }

    /// <summary>Writes an in-memory file to disk (small layers) and reports it, if not done yet.</summary>
    public async Task<string?> EnsureSpooledAsync(ArchiveFile file, CancellationToken ct)
    {
        if (file.Skipped) return null;
        if (file.SpoolPath is null)
        {
            var path = NewSpoolPath();
            await File.WriteAllBytesAsync(path, file.Bytes!, ct).ConfigureAwait(false);
            file.SpoolPath = path;
            file.Bytes = null;
        }
        Report(file);
        return file.SpoolPath;
    }

    /// <summary>Waits for the caller's OnBlobSpooled work; its failures surface here.</summary>
    public Task WhenCallbacksDoneAsync() => Task.WhenAll(_callbacks);

    public void DeleteSpoolFiles(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the caller removes its spool directory anyway.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private string? FollowLink(string path)
    {
        var slash = path.Length;
        while (slash > 0)
        {
            var prefix = path[..slash];
            if (Links.TryGetValue(prefix, out var target)) return target + path[slash..];
            slash = prefix.LastIndexOf('/');
        }
        return null;
    }

    private async Task ReadFileAsync(string name, Stream? data, long size, byte[] buffer, CancellationToken ct)
    {
        data ??= Stream.Null;
        Files.Remove(name, out var replaced); // a later entry of the same name wins, as when extracting
        if (replaced?.SpoolPath is { } old) DeleteSpoolFiles([old]);

        var ociDigest = OciBlobDigest(name);
        var isLayerFile = name.EndsWith(".tar", StringComparison.Ordinal);
        if (ociDigest is null && !isLayerFile)
        {
            if (!ArchivePath.IsAtRoot(name) || !IsMetadata(name)) return; // <id>/json, VERSION, repositories: not needed
            if (size > _options.MaxJsonBytes)
                throw new S3loException($"{name} in the image archive is {size} bytes, over the {_options.MaxJsonBytes}-byte limit for JSON documents");
        }

        // The first bytes decide: a known blob that is not JSON is skipped without being read further.
        var first = await data.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size)),
            (int)Math.Min(size, 4096), throwOnEndOfStream: true, ct).ConfigureAwait(false);
        var head = buffer.AsSpan(0, first);
        var file = new ArchiveFile(name, size) { Head = head[..Math.Min(first, LayerMagic.HeadBytes)].ToArray() };
        var looksLikeJson = LayerMagic.LooksLikeJson(head);
        if (ociDigest is { } known && !looksLikeJson && _options.SkipKnownBlob?.Invoke(known) == true)
        {
            file.Digest = known;
            file.Skipped = true;
            Files[name] = file;
            return;
        }

        var inMemory = !isLayerFile && size <= (ociDigest is null ? _options.MaxJsonBytes : SmallBlobBytes) && _inMemory + size <= InMemoryBudget;
        if (inMemory)
        {
            var bytes = new byte[size];
            head.CopyTo(bytes);
            await data.ReadExactlyAsync(bytes.AsMemory(first), ct).ConfigureAwait(false);
            _inMemory += size;
            file.Bytes = bytes;
            file.Digest = Digest.Compute(bytes);
        }
        else
        {
            var path = NewSpoolPath();
            file.SpoolPath = path;
            var copy = looksLikeJson ? null : _options.OpenCopy?.Invoke(new SpoolStart(name, path, size, file.Head));
            await using (copy)
            {
                file.Digest = await SpoolAsync(data, copy?.ReplacesSpool == true ? null : path, size, buffer, first, copy?.Input, ct).ConfigureAwait(false);
                if (copy is not null) await copy.CompleteAsync(new SpooledBlob(file.Digest, path, size), ct).ConfigureAwait(false);
            }
        }

        if (ociDigest is { } stated && stated != file.Digest)
            throw new DigestMismatchException($"blob {name} of the image archive", stated.ToString(), file.Digest.ToString());
        Files[name] = file;
        // A layer is not known to be one until the end, but one that cannot be JSON is worth starting on now.
        if (file.SpoolPath is not null && !looksLikeJson) Report(file);
    }

    /// <param name="path">Where to spool; null to only hash (and copy) the bytes.</param>
    private async Task<Digest> SpoolAsync(Stream data, string? path, long size, byte[] buffer, int buffered, Stream? copy, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = path is null
            ? Stream.Null
            : new FileStream(path, PrivateTemp.NewFile(bufferSize: 1, share: FileShare.Read));
        var written = 0L;
        var n = buffered;
        while (n > 0)
        {
            hash.AppendData(buffer, 0, n);
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            if (copy is not null) await copy.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            written += n;
            n = await data.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - written)), ct).ConfigureAwait(false);
        }
        if (written != size)
            throw new S3loException($"the image archive ended inside a file ({written} of {size} bytes)");
        return Digest.FromHex(hash.GetHashAndReset());
    }

    private void Report(ArchiveFile file)
    {
        if (file.Reported || file.SpoolPath is null) return;
        file.Reported = true;
        if (_options.OnBlobSpooled is { } callback)
            _callbacks.Add(callback(new SpooledBlob(file.Digest, file.SpoolPath, file.Size), _callbackToken));
    }

    private string NewSpoolPath()
    {
        var path = Path.Combine(_spoolDirectory, $"{_spoolPrefix}-{++_spoolCounter:D4}.blob");
        _spoolFiles.Add(path);
        return path;
    }

    private static Digest? OciBlobDigest(string name) =>
        name.StartsWith(BlobPrefix, StringComparison.Ordinal) && Digest.TryParse(Digest.Sha256Prefix + name[BlobPrefix.Length..], out var d)
            ? d
            : null;

    private static bool IsMetadata(string name) =>
        name is "manifest.json" or "index.json" or "oci-layout" || name.EndsWith(".json", StringComparison.Ordinal);
}
