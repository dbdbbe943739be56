using System.Text.RegularExpressions;

namespace S3lo.Core.Serving;

/// <summary>
/// The OCI Distribution grammar for repository names and tags, checked before any storage request:
/// a name is also a bucket key prefix, so nothing like '..' or an upper-case alias may reach the store.
/// </summary>
public static partial class RegistryNames
{
    private const int MaxNameLength = 255;

    [GeneratedRegex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static bool IsValidName(string name) => name.Length <= MaxNameLength && NamePattern().IsMatch(name);

    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);
}
