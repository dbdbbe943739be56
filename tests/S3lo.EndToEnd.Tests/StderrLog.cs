using System.Text.RegularExpressions;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Every s3lo run's stderr, in run order, in artifacts/e2e-stderr.log: the place to read what users saw,
/// and the evidence <see cref="E2eRun"/> checks for crashes (a runtime "Unhandled exception" report or a
/// stack frame printed without --verbose) that a test's own assertions could miss.
/// </summary>
public static partial class StderrLog
{
    private static readonly Lock Gate = new();
    private static readonly List<(string Command, string Stderr)> Runs = [];

    public static string Path => System.IO.Path.Combine(Repo.Root, "artifacts", "e2e-stderr.log");

    public static void Reset()
    {
        lock (Gate)
        {
            Runs.Clear();
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllText(Path, "");
        }
    }

    public static void Append(IEnumerable<string> args, string stderr)
    {
        var command = "s3lo " + string.Join(' ', args.Select(a => a.Contains(' ') || a.Length == 0 ? $"'{a}'" : a));
        lock (Gate)
        {
            Runs.Add((command, stderr));
            File.AppendAllText(Path, $"=== {command}{Environment.NewLine}{stderr}");
        }
    }

    /// <summary>The runs whose stderr shows a crash or a stack trace that no --verbose asked for.</summary>
    public static IReadOnlyList<string> Crashes()
    {
        lock (Gate)
        {
            return Runs.Where(r => IsCrash(r.Command, r.Stderr)).Select(r => $"{r.Command}\n{r.Stderr}").ToList();
        }
    }

    public static bool IsCrash(string command, string stderr)
    {
        if (stderr.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)) return true;
        var verbose = command.Split(' ').Any(a => a is "--verbose" or "-v");
        return !verbose && StackFrameRegex().IsMatch(stderr);
    }

    // "   at Namespace.Type.Method(...)" as .NET prints each frame.
    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackFrameRegex();
}
