using System.Net;
using System.Text;
using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>Reading registry responses safely and turning failures into one-line errors.</summary>
internal static class RegistryHttp
{
    private const int MaxErrorBody = 64 * 1024;

    /// <summary>The body, refused when it is (or claims to be) larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]> ReadCappedAsync(HttpContent content, int limit, string what, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
            throw new S3loException($"{what} is {declared} bytes, over the {limit}-byte limit");
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit) throw new S3loException($"{what} is over the {limit}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The sha256 digest a response names in Docker-Content-Digest, if it names one.</summary>
    public static Digest? ContentDigest(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Docker-Content-Digest", out var values)
        && values.FirstOrDefault() is { } text && Digest.TryParse(text.Trim(), out var digest)
            ? digest
            : null;

    /// <summary>The error for a failed response: status, the registry's error codes and messages, a hint.</summary>
    public static async Task<S3loException> ErrorAsync(HttpResponseMessage response, string what, string registry, CancellationToken ct)
    {
        var detail = "";
        try
        {
            var body = await ReadCappedAsync(response.Content, MaxErrorBody, "error body", ct).ConfigureAwait(false);
            if (RegistryJson.TryParseErrors(body)?.Errors is { Count: > 0 } errors)
            {
                detail = string.Join("; ", errors.Where(e => e is not null).Take(3)
                    .Select(e => string.Join(": ", new[] { e!.Code, e.Message }.Where(s => !string.IsNullOrEmpty(s)))));
            }
        }
        catch (Exception e) when (e is S3loException or IOException or HttpRequestException)
        {
            // The status line says enough.
        }
        var status = $"HTTP {(int)response.StatusCode}";
        var text = $"{what}: {status}{(detail.Length > 0 ? " " + Clean(detail) : "")}";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new S3loException($"{text} (authentication required by {registry})",
                $"give credentials (--creds USER:PASSWORD, --src-creds/--dest-creds) or run 'docker login {registry}'"),
            HttpStatusCode.Forbidden => new S3loException($"{text} (access denied by {registry})",
                "the credentials in use are not allowed to do this; check the repository's permissions"),
            HttpStatusCode.NotFound => new NotFoundException(text),
            HttpStatusCode.TooManyRequests => new S3loException($"{text} (rate limited by {registry})",
                "try again later, or log in: anonymous pulls are rate-limited on many registries"),
            _ => new S3loException(text),
        };
    }

    /// <summary>Text from a server, fit for a one-line message: control characters replaced, length bounded.</summary>
    public static string Clean(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 300));
        foreach (var c in text.Length > 300 ? text[..300] : text) sb.Append(char.IsControl(c) ? ' ' : c);
        if (text.Length > 300) sb.Append("...");
        return sb.ToString();
    }

    /// <summary>Adds <c>name=value</c> to a URL's query, keeping what is there (upload locations carry state in it).</summary>
    public static Uri WithQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var existing = builder.Query.Length > 1 ? builder.Query[1..] : "";
        builder.Query = (existing.Length > 0 ? existing + "&" : "") + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);
}
