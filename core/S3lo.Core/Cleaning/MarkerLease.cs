using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// This run's <see cref="RunningCleanMarker"/>: written before the last reachability check, rewritten
/// every few minutes while deletes run (so it never expires under a slow run), removed at the end,
/// on failure and on cancel too. A delete is only allowed while the marker is surely live.
/// </summary>
internal sealed class MarkerLease : IAsyncDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(3);
    // Clocks of other machines may run ahead: stop deleting well before the marker could look expired.
    private static readonly TimeSpan SafetyMargin = TimeSpan.FromMinutes(4);

    private readonly IObjectStore _store;
    private readonly TimeProvider _clock;
    private readonly Action<string> _warn;
    private readonly RunningCleanMarker _marker;
    private readonly CancellationTokenSource _stop = new();
    private DateTimeOffset _expiresAt;
    private Task _refresher = Task.CompletedTask;

    private MarkerLease(IObjectStore store, TimeProvider clock, Action<string> warn, string run)
    {
        _store = store;
        _clock = clock;
        _warn = warn;
        _marker = new RunningCleanMarker { Run = run, StartedAt = clock.GetUtcNow() };
        Key = BucketLayout.RunningCleansPrefix + run + ".json";
    }

    public string Key { get; }

    /// <summary>False once the last successful write is too old for pushes to still see the marker live.</summary>
    public bool IsFresh => _clock.GetUtcNow() < _expiresAt - SafetyMargin;

    public static async Task<MarkerLease> AcquireAsync(IObjectStore store, TimeProvider clock, Action<string> warn, CancellationToken ct)
    {
        var run = $"{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..12]}";
        var lease = new MarkerLease(store, clock, warn, run);
        await lease.WriteAsync(ct).ConfigureAwait(false);
        lease._refresher = lease.RefreshAsync();
        return lease;
    }

    private async Task WriteAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var marker = _marker with { ExpiresAt = now + Lifetime };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(marker, CleanJsonContext.Compact.RunningCleanMarker);
        using var content = new MemoryStream(bytes, writable: false);
        await _store.PutAsync(Key, content, bytes.Length, PutOptions.Metadata, ct).ConfigureAwait(false);
        _expiresAt = marker.ExpiresAt!.Value;
    }

    private async Task RefreshAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RefreshEvery, _clock, _stop.Token).ConfigureAwait(false);
                await WriteAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                // Tried again at the next turn; meanwhile IsFresh turns false and deletes stop in time.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _refresher.ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            await _store.DeleteAsync(Key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Best effort: a marker left behind expires on its own and pushes then ignore it.
            _warn($"the running-clean marker {Key} could not be removed ({e.Message}); pushes wait for it until it expires in at most {Lifetime.TotalMinutes:0} minutes");
        }
    }
}
