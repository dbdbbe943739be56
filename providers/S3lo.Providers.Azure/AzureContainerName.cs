namespace S3lo.Providers.Azure;

/// <summary>Azure's container naming rules, checked when a reference is parsed and again when a store opens.</summary>
internal static class AzureContainerName
{
    public const string Rule = "Azure container names are 3-63 lowercase letters, digits and single '-', starting and ending with a letter or digit";

    public static bool IsValid(string name)
    {
        static bool IsAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
        return name.Length is >= 3 and <= 63
               && IsAlphanumeric(name[0]) && IsAlphanumeric(name[^1])
               && !name.Contains("--", StringComparison.Ordinal)
               && name.All(c => IsAlphanumeric(c) || c == '-');
    }

    /// <summary>Null when valid, else the rule <paramref name="name"/> breaks.</summary>
    public static string? Problem(string name) => IsValid(name) ? null : Rule;
}
