using System.Diagnostics;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A command run in a real terminal: a detached tmux session of 120x40 on its own server (so it has this
/// process's environment), its screen captured every 25 ms while the command runs. Every line ever seen is kept:
/// a fast machine may show a phase for one frame only.
/// </summary>
public sealed class TmuxPane : IDisposable
{
    private const string Done = "S3LO-TMUX-EXIT=";
    private readonly string _socket = "s3lo-progress-" + Guid.NewGuid().ToString("N")[..10];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Every line any capture showed, trailing spaces trimmed.</summary>
    public IReadOnlySet<string> Seen => _seen;

    /// <summary>The screen once the command had exited.</summary>
    public string[] FinalScreen { get; private set; } = [];

    public int ExitCode { get; private set; } = -1;

    public static void Require() =>
        Assert.That(Processes.Run("tmux", ["-V"]).ExitCode, Is.EqualTo(0), "tmux is not installed: eng/services.sh install docker");

    /// <summary>Runs <paramref name="args"/> in the pane (CI variables unset: auto progress sees a terminal) and waits for it to exit.</summary>
    public void Run(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var command = "env -u CI -u GITHUB_ACTIONS -u GITLAB_CI " + string.Join(' ', new[] { file }.Concat(args).Select(Quote))
            + $"; echo {Done}$?; sleep 600";
        Tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "p", command);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var screen = Capture();
            foreach (var line in screen) _seen.Add(line);
            if (screen.FirstOrDefault(l => l.StartsWith(Done, StringComparison.Ordinal)) is { } exit)
            {
                ExitCode = int.Parse(exit[Done.Length..], System.Globalization.CultureInfo.InvariantCulture);
                FinalScreen = screen;
                return;
            }
            Thread.Sleep(25);
        }
        Assert.Fail($"the command did not finish in {timeout} in tmux; screen:\n{string.Join('\n', Capture())}");
    }

    public void Dispose() => Processes.Run("tmux", ["-L", _socket, "kill-server"]);

    private string[] Capture() =>
        Tmux("capture-pane", "-p", "-t", "p").Stdout.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    private RunResult Tmux(params string[] args)
    {
        var result = Processes.Run("tmux", ["-L", _socket, .. args]);
        Assert.That(result.ExitCode, Is.EqualTo(0), () => "tmux " + string.Join(' ', args) + ": " + result);
        return result;
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
