using System.Text.RegularExpressions;

namespace S3lo.Core.References;

/// <summary>The character-level rules of references: OCI name components, tags (bucket names are their provider's).</summary>
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

    public static bool IsNameComponent(string component) => NameComponentRegex().IsMatch(component);

    public static bool IsGlobComponent(string component) => GlobComponentRegex().IsMatch(component);

    public static bool IsTag(string tag) => TagRegex().IsMatch(tag);
}
