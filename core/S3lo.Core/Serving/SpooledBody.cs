using S3lo.Core.TempFiles;

namespace S3lo.Core.Serving;

/// <summary>
/// Part of a request body of unknown length (chunked transfer encoding) copied to a private temp file,
/// because <see cref="Storage.IObjectStore.PutAsync"/> needs a length before it reads. The file lives in its
/// own <c>s3lo-upload-&lt;hex&gt;</c> directory (a killed server's leftovers are removed by
/// <see cref="StaleTemp"/>) and is deleted on dispose.
/// </summary>
public sealed class SpooledBody : IAsyncDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly string _directory;
    private readonly FileStream _file;

    private SpooledBody(string directory, FileStream file, long length, bool endOfBody)
    {
        _directory = directory;
        _file = file;
        Length = length;
        EndOfBody = endOfBody;
    }

    public long Length { get; }

    /// <summary>True when the body ended within this part: nothing of it is left to read.</summary>
    public bool EndOfBody { get; }

    /// <summary>Copies up to <paramref name="maxBytes"/> of <paramref name="body"/> (all of it when null).</summary>
    public static async Task<SpooledBody> CopyAsync(Stream body, long? maxBytes, CancellationToken ct)
    {
        var directory = PrivateTemp.DirectoryPath(Path.GetTempPath(), "upload");
        PrivateTemp.CreateDirectory(directory);
        FileStream? file = null;
        try
        {
            var options = PrivateTemp.NewFile(BufferSize, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            options.Access = FileAccess.ReadWrite;
            file = new FileStream(Path.Combine(directory, "body"), options);
            var buffer = new byte[BufferSize];
            long length = 0;
            var end = false;
            while (maxBytes is not { } max || length < max)
            {
                var want = maxBytes is { } limit ? (int)Math.Min(buffer.Length, limit - length) : buffer.Length;
                var n = await body.ReadAsync(buffer.AsMemory(0, want), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    end = true;
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                length += n;
            }
            await file.FlushAsync(ct).ConfigureAwait(false);
            file.Position = 0;
            return new SpooledBody(directory, file, length, end);
        }
        catch
        {
            if (file is not null) await file.DisposeAsync().ConfigureAwait(false);
            TryDeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>The spooled bytes from their start; the stream belongs to this object (do not dispose it).</summary>
    public Stream Content => _file;

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        TryDeleteDirectory(_directory);
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // StaleTemp removes it later
        }
    }
}
