using System.Globalization;
using System.Net;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// deploy/Dockerfile built around the published binary and run the way deploy/daemonset.yaml runs it:
/// the serve container's exact args and env (bucket and port swapped for a mounted local store and a
/// free port), host network, uid 65532, a read-only root with /tmp as its only writable place.
/// The real base (distroless/base) cannot be pulled here: the stand-in base is what distroless/base
/// gives the binary — the loader, glibc, OpenSSL and the CA bundle, copied from this machine — and
/// nothing else (no shell), so a missing library or a write outside /tmp still fails.
/// </summary>
[NonParallelizable]
public sealed class DeployImageTests
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];
    private string BaseImage => $"s3lo-e2e/deploy-base:{_tag}";
    private string Image => $"s3lo-e2e/deploy-s3lo:{_tag}";

    [OneTimeSetUp]
    public void Build()
    {
        DockerCli.RequireDaemon();
        using var rootfs = new TempDir("deploy-base");
        var libraries = Processes.Run("ldd", [S3loBinary.Path]).StdoutLines
            .Select(l => l.Split("=>").Last().Trim().Split(' ')[0])
            .Where(p => p.StartsWith('/'))
            .Concat(["/lib/x86_64-linux-gnu/libssl.so.3", "/lib/x86_64-linux-gnu/libcrypto.so.3", "/etc/ssl/certs/ca-certificates.crt"]);
        foreach (var file in libraries)
        {
            var target = rootfs.Path + file;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(rootfs.Sub("tmp"));
        var import = Processes.Run("sh", ["-c", $"tar -C '{rootfs.Path}' -cf - . | docker import - {BaseImage}"]);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString);
        using var context = new TempDir("deploy-context");
        File.Copy(S3loBinary.Path, context.File("s3lo"));
        DockerCli.MustRun("build", "-q", "--build-arg", "BASE=" + BaseImage, "-f", Path.Combine(Repo.Root, "deploy", "Dockerfile"), "-t", Image, context.Path);
    }

    [OneTimeTearDown]
    public void Remove() => DockerCli.RemoveImage(Image, BaseImage);

    [Test]
    public void TheImageServesWithTheDaemonSetArgumentsAsNonRootOnAReadOnlyRoot()
    {
        var manifest = new DaemonSetManifest();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var port = ServedBucket.FreePort();
        var args = manifest.Args();
        args[1] = "local:///store/";
        args[args.IndexOf("--port") + 1] = port.ToString(CultureInfo.InvariantCulture);
        var container = "s3lo-e2e-deploy-" + _tag;
        List<string> run = ["run", "-d", "--name", container, "--network", "host", "--read-only", "--tmpfs", "/tmp",
            "--user", "65532:65532", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "-v", store.Root + ":/store:ro"];
        foreach (var (name, value) in manifest.Env()) run.AddRange(["-e", $"{name}={value}"]);
        try
        {
            DockerCli.MustRun([.. run, Image, .. args]);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpStatusCode? status = null;
            for (var i = 0; i < 120 && status != HttpStatusCode.OK; i++)
            {
                try
                {
                    using var r = http.GetAsync(new Uri("/v2/alpine/manifests/latest", UriKind.Relative)).Result;
                    status = r.StatusCode;
                }
                catch (AggregateException)
                {
                    // not listening yet
                }
                if (status != HttpStatusCode.OK) Thread.Sleep(500);
            }
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), () => DockerCli.Run("logs", container).ToString());
            DockerCli.MustRun("stop", "-t", "15", container);
            Assert.That(DockerCli.MustRun("inspect", "-f", "{{.State.ExitCode}}", container).Stdout.Trim(), Is.EqualTo("0"),
                () => DockerCli.Run("logs", container).ToString());
        }
        finally
        {
            DockerCli.Run("rm", "-f", container);
        }
    }
}
