using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

/// <summary>
/// The state a progress view draws: a row per blob in the order they appeared, and the image-level phase
/// (the daemon loading). Thread-safe; times come from <paramref name="clock"/> (time since the transfer began).
/// </summary>
public sealed class TransferBoard(string action, Func<TimeSpan> clock)
{
    private readonly Lock _lock = new();
    private readonly List<TransferRow> _rows = [];
    private readonly Dictionary<string, TransferRow> _byDigest = new(StringComparer.Ordinal);
    private TimeSpan? _firstMove;

    public string Action { get; } = action;
    public Func<TimeSpan> Clock { get; } = clock;

    /// <summary>What the whole image is doing ("loading into the Docker daemon"), and since when; null when nothing.</summary>
    public string? ImageWork { get; private set; }
    public TimeSpan ImageStarted { get; private set; }

    /// <summary>Enters a phase; returns the row.</summary>
    public TransferRow Phase(string digest, long size, TransferPhase phase)
    {
        lock (_lock)
        {
            var row = Row(digest);
            row.Phase = phase;
            if (phase == TransferPhase.Verifying) return row;
            row.Work = phase;
            row.Done = 0;
            row.Total = size;
            row.WorkStarted = Clock();
            row.Finished = null;
            row.Skipped = false;
            if (IsMove(phase))
            {
                row.Moves = true;
                row.Moved = 0;
                _firstMove ??= row.WorkStarted;
            }
            return row;
        }
    }

    public void Progress(string digest, long bytes)
    {
        lock (_lock)
        {
            var row = Row(digest);
            row.Done = bytes;
            if (IsMove(row.Work) && row.Finished is null) row.Moved = bytes;
        }
    }

    /// <summary>The row's work is done; returns it (null for a blob never seen).</summary>
    public TransferRow? Complete(string digest, bool serverSide = false)
    {
        lock (_lock)
        {
            if (!_byDigest.TryGetValue(digest, out var row)) return null;
            row.Finished = Clock();
            row.Phase = row.Work;
            row.Done = row.Total;
            if (IsMove(row.Work)) row.Moved = row.Total;
            row.ServerSide |= serverSide;
            return row;
        }
    }

    public TransferRow Skip(string digest, long size)
    {
        lock (_lock)
        {
            var row = Row(digest);
            row.Skipped = true;
            row.Total = size;
            row.WorkStarted = Clock();
            row.Finished = row.WorkStarted;
            return row;
        }
    }

    public void Image(string? work)
    {
        lock (_lock)
        {
            ImageWork = work;
            ImageStarted = Clock();
        }
    }

    /// <summary>A copy of the rows, in order.</summary>
    public IReadOnlyList<TransferRow> Rows()
    {
        lock (_lock) return [.. _rows];
    }

    /// <summary>The total line: "push: 2/5 blobs, 165 MB of 300 MB, 45 MB/s, 3.6 s".</summary>
    public string TotalLine()
    {
        lock (_lock)
        {
            var now = Clock();
            var movers = _rows.Where(r => r.Moves).ToList();
            var finished = _rows.Count(r => r.Finished is not null && (r.Skipped || r.Moves));
            var counted = _rows.Count(r => r.Skipped || r.Moves);
            var moved = movers.Sum(r => Math.Min(r.Moved, r.Total));
            // Before any blob moves (a push's export): how many layers are being read.
            if (counted == 0)
                return $"{Action}: {_rows.Count(r => r.Finished is null)} in progress, {_rows.Count(r => r.Finished is not null)} done, {TransferText.Duration(now)}";
            var text = $"{Action}: {finished}/{counted} blobs, {Sizes.Human(moved)} of {Sizes.Human(movers.Sum(r => r.Total))}";
            if (_firstMove is { } first && moved > 0 && TransferText.Rate(moved, now - first) is { } rate) text += ", " + rate;
            if (ImageWork is not null) text += $", {ImageWork} ({TransferText.Duration(now - ImageStarted)})";
            return text + ", " + TransferText.Duration(now);
        }
    }

    private TransferRow Row(string digest)
    {
        if (_byDigest.TryGetValue(digest, out var row)) return row;
        row = new TransferRow(digest) { WorkStarted = Clock() };
        _byDigest[digest] = row;
        _rows.Add(row);
        return row;
    }

    private static bool IsMove(TransferPhase phase) => phase is TransferPhase.Uploading or TransferPhase.Downloading or TransferPhase.Copying;
}
