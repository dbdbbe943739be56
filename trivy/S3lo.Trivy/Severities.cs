using S3lo.Core.Errors;

namespace S3lo.Trivy;

/// <summary>Trivy's severity names, validated before anything runs.</summary>
public static class Severities
{
    /// <summary>The names in Trivy's order, lowest first.</summary>
    public static readonly IReadOnlyList<string> All = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    /// <summary>scan's default: a gate that fails on what a team would stop a release for.</summary>
    public const string Default = "HIGH,CRITICAL";

    /// <summary>"high, critical" → [HIGH, CRITICAL]; an unknown or empty name is a usage error.</summary>
    public static IReadOnlyList<string> Parse(string text, string flag = "--severity")
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.ToUpperInvariant()).Distinct().ToList();
        if (names.Count == 0) throw new UsageException($"{flag} is empty", $"give a comma-separated list of {string.Join(", ", All)}");
        if (names.FirstOrDefault(n => !All.Contains(n)) is { } unknown)
            throw new UsageException($"{flag}: '{unknown}' is not a severity", $"use a comma-separated list of {string.Join(", ", All)}");
        return [.. names.OrderBy(n => All.IndexOf(n))];
    }

    /// <summary>The severities ranked above <paramref name="maximum"/>: what a scan policy's max_severity does not allow.</summary>
    public static IReadOnlyList<string> Above(string maximum)
    {
        var at = All.IndexOf(maximum.ToUpperInvariant());
        if (at < 0) throw new UsageException($"'{maximum}' is not a severity", $"use one of {string.Join(", ", All)}");
        return [.. All.Skip(at + 1)];
    }

    private static int IndexOf(this IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }
}
