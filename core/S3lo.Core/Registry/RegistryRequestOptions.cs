namespace S3lo.Core.Registry;

/// <summary>What a request tells the handlers below it: the token scopes it needs, and whether it may be retried.</summary>
internal static class RegistryRequestOptions
{
    /// <summary>Token scopes, e.g. <c>repository:library/alpine:pull</c>; none means the challenge's own scope.</summary>
    public static readonly HttpRequestOptionsKey<string[]> Scopes = new("s3lo.registry.scopes");

    /// <summary>Set on probes that have a fallback (https before http): a failure must come back at once.</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("s3lo.registry.no-retry");

    /// <summary>
    /// Set on requests for small documents: the retry handler reads the body (when it declares at most
    /// <see cref="MaxBufferedAnswer"/> bytes) before returning, so a body that stalls or breaks is retried too.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> BufferAnswer = new("s3lo.registry.buffer-answer");

    public const int MaxBufferedAnswer = 4 * 1024 * 1024;

    public static string Pull(string repository) => $"repository:{repository}:pull";

    public static string PullPush(string repository) => $"repository:{repository}:pull,push";

    public static string[] ScopesOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(Scopes, out var scopes) ? scopes : [];

    /// <summary>True when the body can be sent again (none, or bytes in memory); a streamed body cannot.</summary>
    public static bool CanResend(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent;

    /// <summary>scheme://host:port/path — never the query, which may carry a presigned URL's signature.</summary>
    public static string ForLog(Uri? uri) =>
        uri is null ? "(no url)" : $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";

    /// <summary>An exception's message with its inner ones ("The SSL connection could not be established" says little alone).</summary>
    public static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null && text.Length < 500; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += ": " + inner.Message;
        }
        return text;
    }
}
