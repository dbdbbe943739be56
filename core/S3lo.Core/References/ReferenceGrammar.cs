using System.Text.RegularExpressions;

namespace S3lo.Core.References;

/// <summary>The character-level rules of references: bucket names, OCI name components, tags.</summary>
internal static partial class ReferenceGrammar
{
    public const int MaxRepositoryLength = 255;

    // OCI distribution-spec name component; separators are '.', '_', '__' or a run of '-'.
    [GeneratedRegex(@"\A[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameComponentRegex();

    // Same shape with '*' allowed where letters are, for config globs like "dev/*" or "app-*".
    [GeneratedRegex(@"\A[a-z0-9*]+(?:(?:[._]|__|-+)[a-z0-9*]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex GlobComponentRegex();

    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex S3BucketRegex();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]*[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex GcsBucketRegex();

    [GeneratedRegex(@"\A[a-z0-9](?:-?[a-z0-9])*\z", RegexOptions.CultureInvariant)]
    private static partial Regex AzureContainerRegex();

    public static bool IsNameComponent(string component) => NameComponentRegex().IsMatch(component);

    public static bool IsGlobComponent(string component) => GlobComponentRegex().IsMatch(component);

    public static bool IsTag(string tag) => TagRegex().IsMatch(tag);

    /// <summary>Null when <paramref name="bucket"/> is a valid name for the scheme, else the rule it breaks.</summary>
    public static string? BucketRuleViolation(StoreScheme scheme, string bucket) => scheme switch
    {
        StoreScheme.S3 when !S3BucketRegex().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal) =>
            "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-', start and end with a letter or digit, and have no '..'",
        StoreScheme.Gs when !IsGcsBucket(bucket) =>
            "GCS bucket names are 3-63 lowercase letters, digits, '.', '_' and '-' (up to 222 with dots, 63 between dots), starting and ending with a letter or digit",
        StoreScheme.Az when bucket.Length is < 3 or > 63 || !AzureContainerRegex().IsMatch(bucket) =>
            "Azure container names are 3-63 lowercase letters, digits and single '-', starting and ending with a letter or digit",
        _ => null,
    };

    private static bool IsGcsBucket(string bucket)
    {
        if (!GcsBucketRegex().IsMatch(bucket)) return false;
        if (!bucket.Contains('.', StringComparison.Ordinal)) return bucket.Length is >= 3 and <= 63;
        return bucket.Length <= 222 && bucket.Split('.').All(part => part.Length is >= 1 and <= 63);
    }
}
