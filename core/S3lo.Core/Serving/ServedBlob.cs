using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>
/// A blob (or one range of it) opened for streaming: <see cref="Content"/> is null for a HEAD.
/// <see cref="Offset"/> and <see cref="Length"/> describe the part in <see cref="Content"/>.
/// </summary>
public sealed class ServedBlob(Digest digest, long size, long offset, long length, Stream? content) : IAsyncDisposable
{
    public Digest Digest { get; } = digest;
    public long Size { get; } = size;
    public long Offset { get; } = offset;
    public long Length { get; } = length;
    public Stream? Content { get; } = content;
    public bool IsPartial => Offset != 0 || Length != Size;

    public ValueTask DisposeAsync() => Content?.DisposeAsync() ?? ValueTask.CompletedTask;
}
