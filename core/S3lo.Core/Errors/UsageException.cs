namespace S3lo.Core.Errors;

/// <summary>Bad input from the user (reference, flag, value): exit code 2, raised before any I/O.</summary>
public sealed class UsageException(string message, string? hint = null)
    : S3loException(message, hint, ExitCodes.Usage);
