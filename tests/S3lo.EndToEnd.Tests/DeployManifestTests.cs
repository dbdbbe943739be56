using System.Globalization;
using System.Net;
using System.Text.Json;
using YamlDotNet.RepresentationModel;
using static S3lo.EndToEnd.Tests.DaemonSetManifest;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// deploy/daemonset.yaml and deploy/containerd/hosts.toml as far as a machine without Kubernetes can
/// check them: the manifest is parsed and read as the kubelet would, and the serve container's exact
/// arguments start the published binary (only the bucket and the port swapped for a local store and a
/// free port). ContainerdMirrorTests pulls through hosts.toml with a real containerd.
/// </summary>
[NonParallelizable]
public sealed class DeployManifestTests
{
    public static string HostsTomlPath => Path.Combine(Repo.Root, "deploy", "containerd", "hosts.toml");

    private DaemonSetManifest _manifest = null!;
    private YamlMappingNode _podSpec = null!;
    private YamlMappingNode _serve = null!;

    [OneTimeSetUp]
    public void Parse()
    {
        _manifest = new DaemonSetManifest();
        _podSpec = _manifest.PodSpec;
        _serve = _manifest.Serve;
    }

    [Test]
    public void ServeListensOnTheNodeLoopbackAtPort5000()
    {
        Assert.That(Text(_podSpec, "hostNetwork"), Is.EqualTo("true"), "containerd pulls from the node's own loopback");
        var args = Args();
        Assert.That(args[0], Is.EqualTo("serve"));
        Assert.That(FlagValue(args, "--host"), Is.EqualTo("127.0.0.1"));
        Assert.That(FlagValue(args, "--port"), Is.EqualTo("5000"));
        Assert.That(args, Does.Not.Contain("--no-access-log"), "the access log is what `kubectl logs` shows of the node's pulls");
        Assert.That(args, Does.Not.Contain("--allow-anonymous").And.Not.Contain("--allow-push"));
    }

    [TestCase("livenessProbe")]
    [TestCase("readinessProbe")]
    public void ProbesAskHealthzOnTheLoopbackPort(string probe)
    {
        var get = Map(_serve, probe, "httpGet");
        Assert.That(Text(get, "path"), Is.EqualTo("/healthz"));
        Assert.That(Text(get, "port"), Is.EqualTo(FlagValue(Args(), "--port")));
        // with hostNetwork the kubelet would otherwise probe the node's address, where serve does not listen
        Assert.That(Text(get, "host"), Is.EqualTo(FlagValue(Args(), "--host")));
    }

    [Test]
    public void ServeHasAMemoryLimitAndRunsUnprivileged()
    {
        Assert.That(Text(Map(_serve, "resources", "limits"), "memory"), Is.EqualTo("256Mi"));
        Assert.That(Text(Map(_serve, "resources", "requests"), "memory"), Is.Not.Empty);
        var security = Map(_serve, "securityContext");
        Assert.That(Text(security, "runAsNonRoot"), Is.EqualTo("true"));
        Assert.That(Text(security, "readOnlyRootFilesystem"), Is.EqualTo("true"));
        Assert.That(Text(security, "allowPrivilegeEscalation"), Is.EqualTo("false"));
    }

    [Test]
    public void TheServiceAccountItRunsAsIsInTheFile()
    {
        var account = Kind("ServiceAccount");
        Assert.That(Text(_podSpec, "serviceAccountName"), Is.EqualTo(Text(Map(account, "metadata"), "name")));
        Assert.That(Text(Map(account, "metadata"), "namespace"), Is.EqualTo(Text(Map(Kind("DaemonSet"), "metadata"), "namespace")));
    }

    [Test]
    public void CredentialsComeFromAnOptionalSecretSoWorkloadIdentityNeedsNone()
    {
        var secret = Map((YamlMappingNode)Seq(_serve, "envFrom").Single(), "secretRef");
        Assert.That(Text(secret, "name"), Is.EqualTo("s3lo-credentials"));
        Assert.That(Text(secret, "optional"), Is.EqualTo("true"));
    }

    [Test]
    public void TheInitContainerPutsHostsTomlInTheDirectoryOfItsRegistry()
    {
        var init = (YamlMappingNode)Seq(_podSpec, "initContainers").Single();
        var script = string.Join(" ", Seq(init, "command").Cast<YamlScalarNode>().Select(s => s.Value));
        var registry = new Uri(HostsToml().GetProperty("server").GetString()!).Host;
        Assert.That(script, Does.Contain($"/certs.d/{registry}/hosts.toml"));
        var certsD = Seq(_podSpec, "volumes").Cast<YamlMappingNode>().Single(v => Text(v, "name") == "certs-d");
        Assert.That(Text(Map(certsD, "hostPath"), "path"), Is.EqualTo("/etc/containerd/certs.d"));
    }

    [Test]
    public void HostsTomlSendsPullsAndResolvesToTheLoopbackServerAndNothingElse()
    {
        var hosts = HostsToml().GetProperty("host");
        var mirror = hosts.EnumerateObject().Single();
        Assert.That(mirror.Name, Is.EqualTo($"http://127.0.0.1:{FlagValue(Args(), "--port")}"));
        Assert.That(mirror.Value.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()), Is.EquivalentTo(new[] { "pull", "resolve" }));
    }

    [Test]
    public void TheContainerArgumentsStartServeThatAnswersTheRegistryApiAndTheProbes()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var port = ServedBucket.FreePort();
        var args = Args();
        args[1] = store.Url;
        args[args.IndexOf("--port") + 1] = port.ToString(CultureInfo.InvariantCulture);
        using var served = ServedBucket.StartWith(port, args);
        using var http = new HttpClient { BaseAddress = served.BaseAddress };
        using (var root = http.GetAsync(new Uri("/v2/", UriKind.Relative)).Result)
            Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var manifest = http.GetAsync(new Uri("/v2/alpine/manifests/latest", UriKind.Relative)).Result)
            Assert.That(manifest.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            using var answer = http.GetAsync(new Uri(Text(Map(_serve, probe, "httpGet"), "path"), UriKind.Relative)).Result;
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), probe);
            Assert.That(answer.Content.ReadAsStringAsync().Result.Trim(), Is.EqualTo("ok"), probe);
        }
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    private List<string> Args() => _manifest.Args();

    private YamlMappingNode Kind(string kind) => _manifest.Kind(kind);

    /// <summary>hosts.toml as JSON, read by Python's tomllib (the solution has no TOML package; containerd reading it for real is ContainerdMirrorTests).</summary>
    private static JsonElement HostsToml()
    {
        var r = Processes.Run("python3", ["-c", "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))", HostsTomlPath]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }
}
