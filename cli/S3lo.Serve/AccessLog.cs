using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace S3lo.Serve;

/// <summary>
/// One stderr line per request:
/// <c>CLIENT USER "METHOD PATH" STATUS BYTES MILLISECONDSms</c>, USER <c>-</c> when none was proven.
/// The path is written escaped and without its query string (presigned URLs and tokens travel in
/// queries), and no header is ever written, so the log holds no secret.
/// </summary>
internal static class AccessLog
{
    public static string Line(HttpContext context, string? user, long bytes, TimeSpan elapsed)
    {
        var request = context.Request;
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "-";
        // ToUriComponent keeps %-escapes: a path cannot smuggle a space, a quote or a newline into the line
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        if (path.Length == 0) path = "/";
        return string.Create(CultureInfo.InvariantCulture,
            $"{client} {user ?? "-"} \"{request.Method} {path}\" {context.Response.StatusCode} {bytes} {(long)elapsed.TotalMilliseconds}ms");
    }

    public static void Write(string line) => Console.Error.WriteLine(line);
}
