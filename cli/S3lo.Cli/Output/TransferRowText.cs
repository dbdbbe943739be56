namespace S3lo.Cli.Output;

/// <summary>How a row reads: live on a terminal, and once finished (both views).</summary>
public static class TransferRowText
{
    /// <summary>"3f2a1b4c5d6e  uploading    45 MB / 120 MB  32 MB/s  ETA 3 s", or the finished form.</summary>
    public static string Live(TransferRow row, TimeSpan now)
    {
        var id = TransferText.ShortDigest(row.Digest);
        if (row.Skipped) return $"{id}  already there";
        if (row.Finished is not null) return $"{id}  {Finished(row)}";
        var text = $"{id}  {TransferText.Doing(row.Phase),-11}  {Sizes.Human(row.Done)} / {Sizes.Human(row.Total)}";
        var elapsed = now - row.WorkStarted;
        if (row.Done <= 0 || elapsed <= TimeSpan.Zero) return text;
        text += "  " + TransferText.Rate(row.Done, elapsed);
        var left = row.Total - row.Done;
        if (left > 0) text += "  ETA " + TransferText.Duration(TimeSpan.FromSeconds(left * elapsed.TotalSeconds / row.Done));
        return text;
    }

    /// <summary>The plain log line of a finished row: "uploaded 3f2a1b4c5d6e 120 MB in 1.4 s".</summary>
    public static string Plain(TransferRow row)
    {
        var id = TransferText.ShortDigest(row.Digest);
        return row.Skipped
            ? $"skipped {id} {Sizes.Human(row.Total)}, already there"
            : $"{TransferText.Done(row.Work)} {id} {Sizes.Human(row.Total)} in {TransferText.Duration(row.Took)}" + (row.ServerSide ? " (server-side)" : "");
    }

    private static string Finished(TransferRow row) =>
        $"{TransferText.Done(row.Work),-11}  {Sizes.Human(row.Total)} in {TransferText.Duration(row.Took)}" + (row.ServerSide ? " (server-side)" : "");
}
