namespace S3lo.Cli.Hosting;

/// <summary>
/// The last line of defence: an exception that escapes everything else (the host's construction,
/// Cocona's binding, a background thread) still prints one <c>error:</c> line and exits 1, instead
/// of the runtime's "Unhandled exception" and a stack trace.
/// </summary>
public static class CrashGuard
{
    public static void Install(string[] args)
    {
        var verbose = ErrorReport.IsVerbose(args);
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var code = e.ExceptionObject is Exception exception
                ? ErrorReport.Unexpected(exception, verbose)
                : Fail(e.ExceptionObject);
            // Exiting here, inside the event, is what keeps the runtime from printing its own report.
            Environment.Exit(code == 0 ? 1 : code);
        };
    }

    private static int Fail(object what)
    {
        ErrorReport.Write($"unexpected failure: {what}", "run again with --verbose for the details", null, false);
        return 1;
    }
}
