using S3lo.Core.Doctor;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Output;

/// <summary><c>doctor --output json|yaml</c>: every finding, what was checked, and the counts.</summary>
public sealed record DoctorSummary(string Bucket, IReadOnlyList<DoctorFindingJson> Findings, int Tags, int Blobs, long? BytesRehashed,
    int Errors, int Warnings, IReadOnlyList<OrphanBlob> Orphans)
{
    public static DoctorSummary From(string bucket, DoctorReport report) => new(bucket,
        [.. report.Findings.Select(f => new DoctorFindingJson(DoctorText.Name(f.Severity), f.Kind, f.Object, f.Message, f.Fix))],
        report.Tags, report.Blobs, report.BytesRehashed, report.Errors, report.Warnings, report.Orphans);
}

public sealed record DoctorFindingJson(string Severity, string Kind, string Object, string Message, string Fix);

/// <summary><c>doctor</c>'s text: each finding as a line and its fix under it, then one summary line.</summary>
internal static class DoctorText
{
    public static string Name(DoctorSeverity severity) => severity == DoctorSeverity.Error ? "error" : "warning";

    public static void Write(DoctorReport report, bool verbose)
    {
        foreach (var finding in report.Findings)
        {
            Console.WriteLine($"{Name(finding.Severity)}: {Escape(finding.Message)}");
            if (verbose && finding.Kind == "orphan-blobs")
                foreach (var orphan in report.Orphans) Console.WriteLine($"  {Escape(orphan.Digest)}  {Sizes.Human(orphan.Size)}");
            Console.WriteLine($"  fix: {Escape(finding.Fix)}");
        }
        var checkedWhat = $"checked {Plural(report.Tags, "tag")}, {Plural(report.Blobs, "blob")}"
            + (report.BytesRehashed is { } bytes ? $", {Sizes.Human(bytes)} re-hashed" : "");
        Console.WriteLine(report.Findings.Count == 0
            ? $"no problems found ({checkedWhat})"
            : $"{Plural(report.Errors, "error")}, {Plural(report.Warnings, "warning")} ({checkedWhat})");
    }

    private static string Plural(long n, string singular) => n == 1 ? $"1 {singular}" : $"{n} {singular}s";
}
