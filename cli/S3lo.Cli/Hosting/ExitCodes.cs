using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>The process exit codes (README: 0 success, 1 failed, 2 usage or could not run); core's exceptions say what went wrong, the CLI maps them here.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The operation failed or a gate failed.</summary>
    public const int Failed = 1;
    /// <summary>Usage error, or the check could not run.</summary>
    public const int Usage = 2;

    /// <summary>Bad input is a usage error; every other failure s3lo reports is the operation failing.</summary>
    public static int For(S3loException e) => e is UsageException ? Usage : Failed;
}
