using System.Text.RegularExpressions;

namespace S3lo.Providers.S3;

/// <summary>S3's bucket naming rules, checked when a reference is parsed (before any request).</summary>
internal static partial class S3BucketName
{
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Null when valid, else the rule <paramref name="bucket"/> breaks.</summary>
    public static string? Problem(string bucket) =>
        Shape().IsMatch(bucket) && !bucket.Contains("..", StringComparison.Ordinal)
            ? null
            : "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-', start and end with a letter or digit, and have no '..'";
}
