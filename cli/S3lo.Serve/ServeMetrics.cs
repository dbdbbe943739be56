using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// Counters behind <c>/metrics</c>, written in the Prometheus text exposition format 0.0.4. Kept by
/// hand rather than through System.Diagnostics.Metrics and an exporter: a handful of series needs no
/// dependency, and the binary stays small and reflection-free.
/// </summary>
internal sealed class ServeMetrics(RegistryReader reader)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Upper bounds in seconds: a cached manifest takes about a millisecond, a large blob streamed through many seconds.</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<(string Method, int Status), StrongBox<long>> _requests = new();
    private readonly long[] _latencyCounts = new long[LatencyBuckets.Length + 1];
    private long _latencyMicroseconds;
    private long _bytesSent;
    private long _inFlight;

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Finished(string method, int status, long bytes, TimeSpan elapsed)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _requests.GetOrAdd((MethodLabel(method), status), _ => new StrongBox<long>()).Value);
        Interlocked.Add(ref _bytesSent, bytes);
        var seconds = elapsed.TotalSeconds;
        var bucket = 0;
        while (bucket < LatencyBuckets.Length && seconds > LatencyBuckets[bucket]) bucket++;
        Interlocked.Increment(ref _latencyCounts[bucket]);
        Interlocked.Add(ref _latencyMicroseconds, (long)(elapsed.Ticks / 10));
    }

    /// <summary>Only the methods of HTTP: anything else is counted as OTHER, so a client cannot grow the series without bound.</summary>
    private static string MethodLabel(string method) => method switch
    {
        "GET" or "HEAD" or "PUT" or "POST" or "PATCH" or "DELETE" or "OPTIONS" => method,
        _ => "OTHER",
    };

    public string Render()
    {
        var text = new StringBuilder();
        Header(text, "s3lo_serve_requests_total", "counter", "HTTP requests answered, by method and status code.");
        foreach (var ((method, status), count) in _requests.OrderBy(r => r.Key.Method, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
            Sample(text, "s3lo_serve_requests_total", $"{{method=\"{method}\",status=\"{status}\"}}", Interlocked.Read(ref count.Value));

        Header(text, "s3lo_serve_requests_in_flight", "gauge", "Requests being answered now.");
        Sample(text, "s3lo_serve_requests_in_flight", "", Interlocked.Read(ref _inFlight));

        Header(text, "s3lo_serve_response_bytes_total", "counter", "Response body bytes sent.");
        Sample(text, "s3lo_serve_response_bytes_total", "", Interlocked.Read(ref _bytesSent));

        Header(text, "s3lo_serve_request_duration_seconds", "histogram", "Time from a request's arrival to the end of its answer.");
        long cumulative = 0;
        for (var i = 0; i <= LatencyBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _latencyCounts[i]);
            var bound = i < LatencyBuckets.Length ? LatencyBuckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            Sample(text, "s3lo_serve_request_duration_seconds_bucket", $"{{le=\"{bound}\"}}", cumulative);
        }
        text.Append("s3lo_serve_request_duration_seconds_sum ")
            .Append((Interlocked.Read(ref _latencyMicroseconds) / 1e6).ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        Sample(text, "s3lo_serve_request_duration_seconds_count", "", cumulative);

        Header(text, "s3lo_serve_manifest_cache_hits_total", "counter", "Manifest reads answered from memory.");
        Sample(text, "s3lo_serve_manifest_cache_hits_total", "", reader.ManifestCacheHits);
        Header(text, "s3lo_serve_manifest_cache_misses_total", "counter", "Manifest reads that went to the store.");
        Sample(text, "s3lo_serve_manifest_cache_misses_total", "", reader.ManifestCacheMisses);
        return text.ToString();
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string labels, long value) =>
        text.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
