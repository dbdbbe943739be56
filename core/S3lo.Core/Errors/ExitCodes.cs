namespace S3lo.Core.Errors;

/// <summary>The process exit codes of SPEC section 3.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The operation failed or a gate failed.</summary>
    public const int Failed = 1;
    /// <summary>Usage error, or the check could not run.</summary>
    public const int Usage = 2;
}
