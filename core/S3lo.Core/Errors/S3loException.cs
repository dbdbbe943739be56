namespace S3lo.Core.Errors;

/// <summary>
/// An error a user can act on: the CLI prints <see cref="Exception.Message"/> (and <see cref="Hint"/>)
/// as one line; <see cref="UsageException"/> is bad input, anything else of this type a failed operation.
/// Any other exception is a bug.
/// </summary>
public class S3loException : Exception
{
    public S3loException(string message, string? hint = null, Exception? inner = null)
        : base(message, inner)
    {
        Hint = hint;
    }

    public string? Hint { get; }
}
