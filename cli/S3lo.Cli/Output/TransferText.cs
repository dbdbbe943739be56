using System.Globalization;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

/// <summary>The words and numbers of transfer progress: short digests, phases, rates, durations.</summary>
public static class TransferText
{
    /// <summary>The first 12 hex digits, as docker shows a layer.</summary>
    public static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        var hex = colon >= 0 ? digest[(colon + 1)..] : digest;
        return TerminalText.Escape(hex.Length > 12 ? hex[..12] : hex);
    }

    public static string Doing(TransferPhase phase) => phase switch
    {
        TransferPhase.Exporting => "exporting",
        TransferPhase.Compressing => "compressing",
        TransferPhase.Uploading => "uploading",
        TransferPhase.Downloading => "downloading",
        TransferPhase.Copying => "copying",
        TransferPhase.Verifying => "verifying",
        _ => "loading",
    };

    public static string Done(TransferPhase phase) => phase switch
    {
        TransferPhase.Exporting => "exported",
        TransferPhase.Compressing => "compressed",
        TransferPhase.Uploading => "uploaded",
        TransferPhase.Downloading => "downloaded",
        TransferPhase.Copying => "copied",
        TransferPhase.Verifying => "verified",
        _ => "loaded",
    };

    /// <summary>1.4 s, 14 s, 2m05s.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = Math.Max(0, span.TotalSeconds);
        if (seconds < 10) return seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        if (seconds < 60) return ((int)seconds).ToString(CultureInfo.InvariantCulture) + " s";
        var whole = (long)seconds;
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 60}m{whole % 60:00}s");
    }

    /// <summary>Bytes per second like docker's sizes: 165 MB/s; null when no time has passed.</summary>
    public static string? Rate(long bytes, TimeSpan elapsed) =>
        elapsed.TotalSeconds <= 0 ? null : Sizes.Human((long)(bytes / elapsed.TotalSeconds)) + "/s";

    /// <summary>The result line of a transfer: "pushed 512 MB in 3.1 s, 165 MB/s" (no rate when nothing moved).</summary>
    public static string Result(string verb, long bytes, TimeSpan elapsed)
    {
        var line = $"{verb} {Sizes.Human(bytes)} in {Duration(elapsed)}";
        return bytes > 0 && Rate(bytes, elapsed) is { } rate ? line + ", " + rate : line;
    }
}
