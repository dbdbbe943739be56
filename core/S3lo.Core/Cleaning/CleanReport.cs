namespace S3lo.Core.Cleaning;

/// <summary>What a clean did (<see cref="Confirmed"/>) or would do, item by item, with totals per category.</summary>
/// <param name="Warnings">Things a user should know that did not stop the run (a tag a push moved, a broken image).</param>
public sealed record CleanReport(bool Confirmed, IReadOnlyList<CleanItem> Items, IReadOnlyList<string> Warnings)
{
    /// <summary>One total per category, in <see cref="CleanCategory"/> order; failed deletes are counted apart. Computed from <see cref="Items"/>, so a copy made with <c>with</c> stays right.</summary>
    public IReadOnlyList<CleanTotal> Totals => Enum.GetValues<CleanCategory>().Select(category =>
    {
        var done = Items.Where(i => i.Category == category && i.Failure is null).ToList();
        return new CleanTotal(category, done.Count, done.Sum(i => i.Bytes), Items.Count(i => i.Category == category && i.Failure is not null));
    }).ToList();

    public CleanTotal TotalOf(CleanCategory category) => Totals[(int)category];

    /// <summary>True when some delete failed: the command exits 1.</summary>
    public bool HasFailures => Items.Any(i => i.Failure is not null);
}
