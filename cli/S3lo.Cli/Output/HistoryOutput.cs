using System.Globalization;
using S3lo.Core.History;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Output;

/// <summary><c>history BUCKET --output json</c>: one object per image.</summary>
public sealed record ImageHistoryJson(string Image, int Tags, DateTimeOffset LastPush, long SizeBytes);

/// <summary><c>history BUCKET/IMAGE --output json</c>: one object per push; by and source are null when not recorded.</summary>
public sealed record TagHistoryJson(string Tag, DateTimeOffset PushedAt, long? SizeBytes, string Digest, string? By, string? Source, bool Superseded);

/// <summary><c>history</c>'s text output: an aligned table under a header line, as docker prints its tables.</summary>
internal static class HistoryText
{
    public static List<ImageHistoryJson> Json(IEnumerable<ImageSummaryRow> rows) =>
        [.. rows.Select(r => new ImageHistoryJson(r.Image, r.Tags, r.LastPush.ToUniversalTime(), r.SizeBytes))];

    public static List<TagHistoryJson> Json(IEnumerable<TagHistoryRow> rows) =>
        [.. rows.Select(r => new TagHistoryJson(r.Tag, r.PushedAt.ToUniversalTime(), r.SizeBytes, r.Digest, r.Command, r.Source, r.Superseded))];

    public static IEnumerable<string> Table(IReadOnlyList<ImageSummaryRow> rows) => Align(
        ["IMAGE", "TAGS", "LAST PUSH", "SIZE"],
        rows.Select(r => new[] { Escape(r.Image), r.Tags.ToString(CultureInfo.InvariantCulture), Time(r.LastPush), Sizes.Human(r.SizeBytes) }));

    public static IEnumerable<string> Table(IReadOnlyList<TagHistoryRow> rows, bool all) => Align(
        all ? ["TAG", "PUSHED", "SIZE", "DIGEST", "BY", "SOURCE", "STATUS"] : ["TAG", "PUSHED", "SIZE", "DIGEST", "BY", "SOURCE"],
        rows.Select(r =>
        {
            string[] cells = [Escape(r.Tag), Time(r.PushedAt), r.SizeBytes is { } size ? Sizes.Human(size) : "-", Short(r.Digest),
                Escape(r.Command ?? "-"), Escape(r.Source ?? "-")];
            return all ? [.. cells, r.Superseded ? "superseded" : "current"] : cells;
        }));

    /// <summary>RFC 3339 in UTC, whole seconds.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>sha256:</c> and 12 hex digits, as docker shortens image ids.</summary>
    public static string Short(string digest) =>
        Escape(digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length > 19 ? digest[..19] : digest);

    // Columns separated by three spaces; the last one is not padded (no trailing blanks).
    private static IEnumerable<string> Align(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        return all.Select(r => string.Join("   ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }
}
