namespace S3lo.Core.Serving;

/// <summary>One page of a sorted listing; <see cref="Next"/> is the 'last' of the following page, or null at the end.</summary>
public sealed record NamePage(IReadOnlyList<string> Names, string? Next)
{
    /// <summary>The names after <paramref name="last"/> (ordinal order), at most <paramref name="count"/> of them.</summary>
    public static NamePage Of(IEnumerable<string> names, int? count, string? last)
    {
        var sorted = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(n => last is null || string.CompareOrdinal(n, last) > 0).ToList();
        if (count is not { } n || sorted.Count <= n) return new NamePage(sorted, null);
        var page = sorted.GetRange(0, n);
        return new NamePage(page, n == 0 ? null : page[^1]);
    }
}
