namespace S3lo.Core.Errors;

/// <summary>
/// An error a user can act on: the CLI prints <see cref="Exception.Message"/> (and <see cref="Hint"/>)
/// as one line and exits with <see cref="ExitCode"/>. Anything else is a bug.
/// </summary>
public class S3loException : Exception
{
    public S3loException(string message, string? hint = null, int exitCode = ExitCodes.Failed, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Hint = hint;
    }

    public int ExitCode { get; }
    public string? Hint { get; }
}
