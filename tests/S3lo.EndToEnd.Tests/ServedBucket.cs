using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo serve</c> of the published binary running as a child process: started on a free loopback
/// port, ready once it printed its "serving" line, stopped with SIGTERM (killed if it does not exit).
/// </summary>
public sealed class ServedBucket : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServedBucket(int port, IEnumerable<string> args)
    {
        Port = port;
        var start = new ProcessStartInfo(S3loBinary.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["NO_GCE_CHECK"] = "true";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stdout) _stdout.Append(e.Data).Append('\n');
            if (e.Data.StartsWith("serving ", StringComparison.Ordinal)) _serving.TrySetResult(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Append(e.Data).Append('\n'); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    /// <summary>http, or https when the server was started with --tls-cert (its "serving" line says which).</summary>
    public string Scheme => ServingLine.Contains(" on https://", StringComparison.Ordinal) ? "https" : "http";
    public Uri BaseAddress => new($"{Scheme}://{Host}");
    public string ServingLine { get; private set; } = "";
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <param name="extraArgs">e.g. --endpoint for an S3 bucket; the child inherits this process's environment (credentials).</param>
    public static ServedBucket Start(string bucketUrl, params string[] extraArgs)
    {
        var port = FreePort();
        return StartWith(port, new[] { "serve", bucketUrl, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(extraArgs));
    }

    /// <summary>Runs s3lo with exactly these arguments (e.g. a manifest's), which must make it listen on <paramref name="port"/>.</summary>
    public static ServedBucket StartWith(int port, IEnumerable<string> args)
    {
        var served = new ServedBucket(port, args);
        var ready = Task.WhenAny(served._serving.Task, served._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))).Result;
        if (ready != served._serving.Task)
        {
            var state = served._process.HasExited ? $"exited {served._process.ExitCode}" : "no 'serving' line in 60 s";
            served.Dispose();
            Assert.Fail($"s3lo serve did not start ({state})\n--- stdout\n{served.Stdout}\n--- stderr\n{served.Stderr}");
        }
        served.ServingLine = served._serving.Task.Result;
        return served;
    }

    /// <summary>Sends SIGTERM (a service manager, 'docker stop') or SIGINT (Ctrl+C) and returns the exit code.</summary>
    public int Terminate(TimeSpan wait, string signal = "TERM")
    {
        if (!_process.HasExited) Processes.Run("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (!_process.WaitForExit(wait))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"s3lo serve did not exit within {wait} of SIG{signal}\n{Stderr}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Processes.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15))) _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            StderrLog.Append(["serve"], Stderr);
            _process.Dispose();
        }
    }
}
