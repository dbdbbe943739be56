using S3lo.Core.Cleaning;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Output;

/// <summary><c>clean --output json</c>: the totals per category, then every item.</summary>
public sealed record CleanSummary(string Bucket, bool Confirmed, IReadOnlyList<CleanTotalJson> Totals, IReadOnlyList<CleanItemJson> Items,
    IReadOnlyList<string> Warnings)
{
    public static CleanSummary From(string bucket, CleanReport report) => new(bucket, report.Confirmed,
        [.. report.Totals.Select(t => new CleanTotalJson(CleanText.Name(t.Category), t.Count, t.Bytes, t.Failed))],
        [.. report.Items.Select(i => new CleanItemJson(CleanText.Name(i.Category), i.Name, i.Bytes, i.Reason, i.Failure))],
        report.Warnings);
}

public sealed record CleanTotalJson(string Category, int Count, long Bytes, int Failed);

public sealed record CleanItemJson(string Category, string Name, long Bytes, string Reason, string? Failure);

/// <summary><c>clean</c>'s text output: one line per item, then one line of totals and what to do next.</summary>
internal static class CleanText
{
    public static string Name(CleanCategory category) => category switch
    {
        CleanCategory.Tags => "tags",
        CleanCategory.Manifests => "manifests",
        CleanCategory.Blobs => "blobs",
        CleanCategory.Uploads => "uploads",
        CleanCategory.IndexEntries => "index-entries",
        _ => category.ToString().ToLowerInvariant(),
    };

    private static string Singular(CleanCategory category) => category switch
    {
        CleanCategory.Tags => "tag",
        CleanCategory.Manifests => "manifest",
        CleanCategory.Blobs => "blob",
        CleanCategory.Uploads => "upload",
        _ => "index entry",
    };

    public static void Write(CleanReport report)
    {
        var verb = report.Confirmed ? "deleted" : "would delete";
        foreach (var item in report.Items)
        {
            // A tag's bytes are its manifest file: the layers it frees show up as blobs.
            var why = item.Category == CleanCategory.Tags ? item.Reason : $"{Sizes.Human(item.Bytes)}; {item.Reason}";
            var line = item.Failure is null
                ? $"{verb} {Singular(item.Category)} {item.Name} ({why})"
                : $"failed to delete {Singular(item.Category)} {item.Name}: {item.Failure}";
            Console.WriteLine(Escape(line));
        }
        var totals = string.Join(", ", report.Totals.Select(t =>
            $"{Name(t.Category)} {t.Count}" + (t.Category == CleanCategory.Tags ? "" : $" ({Sizes.Human(t.Bytes)})") + (t.Failed > 0 ? $" + {t.Failed} failed" : "")));
        Console.WriteLine(report.Confirmed ? $"deleted: {totals}" : $"dry run: {totals}; nothing was deleted (add --confirm to delete)");
    }
}
