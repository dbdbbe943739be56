namespace S3lo.Core.Errors;

/// <summary>Bad input from the user (reference, flag, value), raised before any I/O; the CLI exits 2 on it.</summary>
public sealed class UsageException(string message, string? hint = null)
    : S3loException(message, hint);
