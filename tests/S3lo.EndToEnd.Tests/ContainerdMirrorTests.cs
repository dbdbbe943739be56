using System.Globalization;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// deploy/containerd/hosts.toml read by a real containerd (a private one, see PrivateContainerd) with
/// `ctr images pull --hosts-dir`, as a node's CRI reads /etc/containerd/certs.d: pulls of the registry
/// name are answered by `s3lo serve` of the published binary, and what the bucket lacks comes from the
/// upstream server. The shipped file is used as is, with only the port (and, for the fallback, the
/// upstream) swapped for this machine's.
/// </summary>
[NonParallelizable]
public sealed class ContainerdMirrorTests
{
    private TempStore _store = null!;
    private ServedBucket _served = null!;
    private PrivateContainerd _containerd = null!;
    private TempDir _hosts = null!;
    private string _registry = "";

    [OneTimeSetUp]
    public void Start()
    {
        _store = TempStore.CopyOf(Repo.FixtureStore);
        _served = ServedBucket.Start(_store.Url);
        _containerd = new PrivateContainerd();
        _hosts = new TempDir("hosts");
        var shipped = File.ReadAllText(DeployManifestTests.HostsTomlPath);
        _registry = new Uri(shipped.Split('\n').Single(l => l.StartsWith("server = ", StringComparison.Ordinal)).Split('"')[1]).Host;
        var mirrored = shipped.Replace("http://127.0.0.1:5000", $"http://{_served.Host}", StringComparison.Ordinal);
        Assert.That(mirrored, Is.Not.EqualTo(shipped), "hosts.toml names no http://127.0.0.1:5000 host");
        Directory.CreateDirectory(Path.Combine(_hosts.Path, _registry));
        File.WriteAllText(Path.Combine(_hosts.Path, _registry, "hosts.toml"), mirrored);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _containerd?.Dispose();
        _served?.Dispose();
        _hosts?.Dispose();
        _store?.Dispose();
    }

    [Test]
    public void APullOfTheRegistryNameIsAnsweredFromTheBucket()
    {
        // the upstream (registry.example.com) is unreachable from here: only the mirror can answer
        var reference = $"{_registry}/alpine:latest";
        var pull = _containerd.Pull(_hosts.Path, reference);
        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(_containerd.ImageDigest(reference), Is.EqualTo(ManifestDigest(_served.BaseAddress, "alpine", "latest")));
    }

    [Test]
    public void AnImageTheBucketLacksComesFromTheUpstreamServer()
    {
        var upstream = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY") ?? throw new AssertionException("S3LO_TEST_REGISTRY is not set: eval \"$(eng/services.sh env)\"");
        var name = $"deploy-e2e-{Guid.NewGuid():N}/alpine";
        // the fixture store holds the linux/amd64 blobs of its multi-arch alpine only
        var copy = S3loBinary.Run("copy", _store.Ref("alpine:latest"), $"{upstream}/{name}:1", "--platform", "linux/amd64");
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        using var hosts = new TempDir("hosts-upstream");
        var withLocalUpstream = File.ReadAllText(Path.Combine(_hosts.Path, _registry, "hosts.toml"))
            .Replace($"server = \"https://{_registry}\"", $"server = \"http://{upstream}\"", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(hosts.Path, _registry));
        File.WriteAllText(Path.Combine(hosts.Path, _registry, "hosts.toml"), withLocalUpstream);

        var reference = $"{_registry}/{name}:1";
        var pull = _containerd.Pull(hosts.Path, reference);
        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(_containerd.ImageDigest(reference), Is.EqualTo(ManifestDigest(new Uri($"http://{upstream}"), name, "1")));
    }

    private static string ManifestDigest(Uri registry, string name, string tag)
    {
        using var http = new HttpClient { BaseAddress = registry };
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri($"/v2/{name}/manifests/{tag}", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json");
        using var response = http.Send(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        return response.Headers.GetValues("Docker-Content-Digest").Single().ToString(CultureInfo.InvariantCulture);
    }
}
