using System.Diagnostics;
using System.Text;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// A third docker-registry (CNCF distribution 2.8) started by the tests, configured for bearer-token
/// auth against an in-process <see cref="RegistryTokenIssuer"/>. Stopped (by its own process id) on dispose.
/// </summary>
internal sealed class RegistryTokenInstance : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TempDir _dir;

    private RegistryTokenInstance(RegistryTokenIssuer issuer, TempDir dir, int port)
    {
        Issuer = issuer;
        _dir = dir;
        Authority = $"127.0.0.1:{port}";
        var bundle = Path.Combine(dir.Path, "issuer.pem");
        File.WriteAllText(bundle, issuer.CertificatePem);
        var config = Path.Combine(dir.Path, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(dir.Path, "data")}
              delete:
                enabled: true
            http:
              addr: {Authority}
            auth:
              token:
                realm: {issuer.Realm}
                service: {RegistryTokenIssuer.Service}
                issuer: {RegistryTokenIssuer.Issuer}
                rootcertbundle: {bundle}
            """);
        var start = new ProcessStartInfo("docker-registry")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public RegistryTokenIssuer Issuer { get; }

    /// <summary>127.0.0.1:PORT, the registry name for references.</summary>
    public string Authority { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public static async Task<RegistryTokenInstance> StartAsync(RegistryTokenIssuer issuer)
    {
        var instance = new RegistryTokenInstance(issuer, new TempDir("token-registry"), LoopbackHttpServer.FreePort());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (instance._process.HasExited)
                Assert.Fail($"docker-registry (token auth) exited with code {instance._process.ExitCode}:\n{instance.Log}");
            try
            {
                using var response = await http.GetAsync($"http://{instance.Authority}/v2/");
                if ((int)response.StatusCode == 401) return instance;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        instance.Dispose();
        Assert.Fail($"docker-registry (token auth) did not answer on {instance.Authority} within 20 s:\n{instance.Log}");
        return null!;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _dir.Dispose();
    }
}
