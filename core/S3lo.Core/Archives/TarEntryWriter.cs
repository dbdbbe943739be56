using System.Buffers;
using S3lo.Core.Errors;

namespace S3lo.Core.Archives;

/// <summary>Appends entries to a tar being written forward-only; each entry's size is declared up front and must be met exactly.</summary>
public sealed class TarEntryWriter(Stream output)
{
    private const int BufferSize = 1 << 20;

    public async Task DirectoryAsync(string name, CancellationToken ct) =>
        await output.WriteAsync(TarHeaders.Directory(name), ct).ConfigureAwait(false);

    public Task FileAsync(string name, byte[] bytes, CancellationToken ct) =>
        FileAsync(name, new MemoryStream(bytes, writable: false), bytes.Length, name, ct);

    public async Task FileAsync(string name, Stream content, long size, string what, CancellationToken ct)
    {
        await output.WriteAsync(TarHeaders.File(name, size), ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = size;
            while (remaining > 0)
            {
                var n = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct).ConfigureAwait(false);
                if (n == 0) throw new S3loException($"{what} ended after {size - remaining} of its {size} bytes");
                await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                remaining -= n;
            }
            // A read past the end must find nothing (and is where a verifying source checks its digest).
            if (await content.ReadAsync(buffer.AsMemory(0, 1), ct).ConfigureAwait(false) != 0)
                throw new S3loException($"{what} is longer than the {size} bytes declared");
            var padding = TarHeaders.PaddingFor(size);
            if (padding > 0)
            {
                buffer.AsSpan(0, padding).Clear();
                await output.WriteAsync(buffer.AsMemory(0, padding), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task EndAsync(CancellationToken ct) => await output.WriteAsync(TarHeaders.End(), ct).ConfigureAwait(false);
}
