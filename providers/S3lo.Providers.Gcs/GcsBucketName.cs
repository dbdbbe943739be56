using System.Text.RegularExpressions;

namespace S3lo.Providers.Gcs;

/// <summary>Cloud Storage's bucket naming rules, checked when a reference is parsed (before any request).</summary>
internal static partial class GcsBucketName
{
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]*[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Null when valid, else the rule <paramref name="bucket"/> breaks.</summary>
    public static string? Problem(string bucket) => IsValid(bucket)
        ? null
        : "GCS bucket names are 3-63 lowercase letters, digits, '.', '_' and '-' (up to 222 with dots, 63 between dots), starting and ending with a letter or digit";

    private static bool IsValid(string bucket)
    {
        if (!Shape().IsMatch(bucket)) return false;
        if (!bucket.Contains('.', StringComparison.Ordinal)) return bucket.Length is >= 3 and <= 63;
        return bucket.Length <= 222 && bucket.Split('.').All(part => part.Length is >= 1 and <= 63);
    }
}
