using System.Diagnostics;
using System.Globalization;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A containerd of the test's own (root, state and socket in a temp dir, no CRI plugin), so that pulls
/// through a hosts.toml touch neither the Docker daemon's containerd nor the machine's. Images are
/// unpacked with the native snapshotter, which needs no overlay mount.
/// </summary>
public sealed class PrivateContainerd : IDisposable
{
    private readonly TempDir _dir = new("containerd");
    private readonly Process _process;

    public PrivateContainerd()
    {
        foreach (var tool in new[] { "containerd", "ctr" })
            if (Processes.Run("sh", ["-c", "command -v " + tool]).ExitCode != 0)
                Assert.Fail($"no {tool} on PATH: it comes with Docker (apt-get install containerd)");
        Socket = _dir.File("containerd.sock");
        var config = _dir.File("config.toml");
        File.WriteAllText(config, $"""
            version = 2
            root = "{_dir.Sub("root")}"
            state = "{_dir.Sub("state")}"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{Socket}"
            """);
        _process = Process.Start(new ProcessStartInfo("containerd", ["--config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 120 && Ctr("version").ExitCode != 0; i++)
        {
            Assert.That(_process.HasExited, Is.False, "containerd exited at start");
            Thread.Sleep(250);
        }
        var version = Ctr("version");
        Assert.That(version.ExitCode, Is.EqualTo(0), version.ToString);
    }

    public string Socket { get; }

    public RunResult Ctr(params string[] args) => Processes.Run("ctr", ["--address", Socket, .. args], timeout: TimeSpan.FromMinutes(3));

    /// <summary>`ctr images pull` the way a node's CRI pulls: with a hosts.toml directory, no --plain-http.</summary>
    public RunResult Pull(string hostsDir, string reference) =>
        Ctr("images", "pull", "--hosts-dir", hostsDir, "--snapshotter", "native", reference);

    /// <summary>The digest of an image containerd holds (its index or manifest), from `ctr images ls`.</summary>
    public string ImageDigest(string reference)
    {
        var list = Ctr("images", "ls");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        var row = list.StdoutLines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(c => c[0] == reference);
        Assert.That(row, Is.Not.Null, $"containerd has no {reference}:\n{list.Stdout}");
        return row![2];
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Processes.Run("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15))) _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }
}
