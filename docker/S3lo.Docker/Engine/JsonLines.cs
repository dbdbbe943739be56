using System.Runtime.CompilerServices;
using S3lo.Core.Errors;

namespace S3lo.Docker.Engine;

/// <summary>The lines of a streamed daemon response as they arrive; memory is one line, capped.</summary>
internal static class JsonLines
{
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream body, int maxLineBytes, string what,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= maxLineBytes) throw new S3loException($"a line of the Docker daemon's {what} is over the {maxLineBytes}-byte limit");
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxLineBytes));
            }
            var n = await body.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (n == 0) break;
            var start = 0;
            var end = filled + n;
            for (var i = filled; i < end; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                yield return buffer.AsMemory(start, i - start);
                start = i + 1;
            }
            filled = end - start;
            Buffer.BlockCopy(buffer, start, buffer, 0, filled);
        }
        if (filled > 0) yield return buffer.AsMemory(0, filled);
    }
}
