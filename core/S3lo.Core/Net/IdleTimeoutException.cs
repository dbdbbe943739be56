namespace S3lo.Core.Net;

/// <summary>No byte moved for the idle timeout: the connection is taken as stalled (an IOException, like a reset).</summary>
public sealed class IdleTimeoutException(string message) : IOException(message, new TimeoutException());
