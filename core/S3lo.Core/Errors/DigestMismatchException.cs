namespace S3lo.Core.Errors;

public sealed class DigestMismatchException(string what, string expected, string actual)
    : S3loException($"digest mismatch for {what}: expected {expected}, got {actual}")
{
    public string Expected { get; } = expected;
    public string Actual { get; } = actual;
}
