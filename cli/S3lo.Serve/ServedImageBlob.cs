namespace S3lo.Serve;

/// <summary>A blob <see cref="OneImageServer"/> serves: opened anew for each download.</summary>
public sealed record ServedImageBlob(string Digest, long Size, Func<CancellationToken, Task<Stream>> OpenAsync);
