using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;
using S3lo.Core.Errors;

namespace S3lo.Core.Archives;

/// <summary>
/// The regular files of a tar on disk, indexed in one pass (name, data offset, size) and then read in
/// place by positional reads: nothing is extracted, and blobs can be read concurrently. Entry names are
/// untrusted: absolute names and '..' are refused; links are not followed.
/// </summary>
internal sealed class TarLayoutFiles : ILayoutFiles, IDisposable
{
    private const int MaxEntries = 200_000;
    private const int ProbeBytes = 64;

    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, (long Offset, long Size)> _files;

    private TarLayoutFiles(SafeFileHandle handle, Dictionary<string, (long Offset, long Size)> files)
    {
        _handle = handle;
        _files = files;
    }

    public IReadOnlyCollection<string> Names => _files.Keys;

    public static async Task<TarLayoutFiles> OpenAsync(string path, string where, CancellationToken ct)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{where}: no such file");
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw new S3loException($"{where}: {path} is a directory", "oci-archive: takes a tar file; for a directory use oci:DIR");
        }
        try
        {
            return new TarLayoutFiles(handle, await IndexAsync(path, handle, where, ct).ConfigureAwait(false));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static async Task<Dictionary<string, (long, long)>> IndexAsync(string path, SafeFileHandle handle, string where, CancellationToken ct)
    {
        var files = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var length = RandomAccess.GetLength(handle);
        var probe = new byte[ProbeBytes];
        var check = new byte[ProbeBytes];
        // Its own handle: disposing the indexing stream must not close the one blobs are read through.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var reader = new TarReader(stream, leaveOpen: true);
        var count = 0;
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                if (++count > MaxEntries) throw new S3loException($"{where} has more than {MaxEntries} entries; it is not an image archive");
                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) continue;
                var name = Normalize(entry.Name, where);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)) continue;
                // The reader has moved past the data and its padding: the data starts that far back.
                var size = entry.Length;
                var offset = stream.Position - size - TarHeaders.PaddingFor(size);
                if (offset < TarHeaders.BlockSize || offset + size > length)
                    throw new S3loException($"{where}: the tar entry '{ArchiveReference.Printable(name)}' lies outside the file");
                if (size > 0 && entry.DataStream is { } data)
                {
                    var n = Math.Min(ProbeBytes, (int)Math.Min(size, ProbeBytes));
                    await data.ReadExactlyAsync(probe.AsMemory(0, n), ct).ConfigureAwait(false);
                    await RandomAccess.ReadAsync(handle, check.AsMemory(0, n), offset, ct).ConfigureAwait(false);
                    if (!probe.AsSpan(0, n).SequenceEqual(check.AsSpan(0, n)))
                        throw new InvalidOperationException($"tar data offset of '{name}' in {where} could not be located");
                }
                files[name] = (offset, size); // a later entry of the same name wins, as when extracting
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new S3loException($"{where} is not a valid tar file: {e.Message}", inner: e);
        }
        return files;
    }

    /// <summary>"./a//b/" → "a/b"; absolute names, '..', backslashes and NULs are refused.</summary>
    internal static string Normalize(string name, string where)
    {
        if (name.Length == 0 || name.Contains('\0') || name.Contains('\\') || name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
            throw Unsafe(name, where);
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") throw Unsafe(name, where);
            parts.Add(part);
        }
        return parts.Count == 0 ? "." : string.Join('/', parts);
    }

    private static S3loException Unsafe(string name, string where) =>
        new($"{where} holds an unsafe entry name '{ArchiveReference.Printable(name)}' (absolute or leaving the archive); it was refused");

    public Task<long?> SizeAsync(string name, CancellationToken ct) =>
        Task.FromResult(_files.TryGetValue(name, out var file) ? file.Size : (long?)null);

    public Task<Stream> OpenAsync(string name, CancellationToken ct) =>
        _files.TryGetValue(name, out var file)
            ? Task.FromResult<Stream>(new PositionalReadStream(_handle, file.Offset, file.Size))
            : throw new NotFoundException($"{name} is not in the archive");

    public void Dispose() => _handle.Dispose();
}
