using S3lo.Cli.Output;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>
/// The one way a failure reaches the user: an <c>error:</c> line, an optional <c>hint:</c> line, and
/// the exception with its stack only under --verbose. Bucket data in messages is escaped.
/// </summary>
public static class ErrorReport
{
    public static void Write(string message, string? hint, Exception? e, bool verbose)
    {
        Console.Error.WriteLine("error: " + OneLine(message));
        if (hint is not null) Console.Error.WriteLine("hint: " + OneLine(hint));
        if (verbose && e is not null) Console.Error.WriteLine(TerminalText.EscapeLines(e.ToString()));
    }

    /// <summary>
    /// Anything that is not an <see cref="S3loException"/> is a failure s3lo did not foresee: still one
    /// line (exit 1) naming what went wrong, and a hint to rerun with --verbose for the stack.
    /// </summary>
    public static int Unexpected(Exception e, bool verbose)
    {
        var inner = Innermost(e);
        if (inner is S3loException known)
        {
            Write(known.Message, known.Hint, e, verbose);
            return ExitCodes.For(known);
        }
        Write(Describe(inner), verbose ? null : "run again with --verbose for the details", e, verbose);
        return ExitCodes.Failed;
    }

    /// <summary>True when the command line asks for the stack trace (also before Cocona has parsed it).</summary>
    public static bool IsVerbose(IEnumerable<string> args) => args.Any(a => a is "--verbose" or "-v" or "--verbose=true");

    // Wrappers say nothing a user can act on; the cause does.
    private static Exception Innermost(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } i }: e = i; continue;
                case TypeInitializationException { InnerException: { } t }: e = t; continue;
                default: return e;
            }
        }
    }

    private static string Describe(Exception e) => e switch
    {
        IOException or UnauthorizedAccessException or HttpRequestException => e.Message,
        // HttpClient's own timeout, not the user's Ctrl+C or --timeout.
        OperationCanceledException { InnerException: TimeoutException t } => t.Message,
        _ when string.IsNullOrWhiteSpace(e.Message) => $"unexpected {e.GetType().Name}",
        _ => $"{e.Message} ({e.GetType().Name})",
    };

    // Escaped, not joined: a newline inside a name shows as \n, so the message stays one line and exact.
    private static string OneLine(string text) => TerminalText.Escape(text.Trim());
}
