using S3lo.Core.Errors;

namespace S3lo.Core.Serving;

/// <summary>
/// A chunk that does not start where the session ends (RANGE_INVALID, 416): the HTTP layer answers with
/// the session's current Range, so the client can resume from there.
/// </summary>
public sealed class UploadRangeException(UploadSession session, long start)
    : S3loException($"upload {session.Id} holds {session.Size} bytes; a chunk starting at {start} is out of order")
{
    public UploadSession Session { get; } = session;
}
