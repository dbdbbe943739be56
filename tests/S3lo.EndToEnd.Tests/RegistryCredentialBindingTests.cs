using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Which secret reaches which host in a registry-to-registry copy: two recording registries with
/// their token servers on 127.0.0.1 and 127.0.0.2 (two hosts on one machine), and an empty docker
/// config so only the typed logins — or the one the test writes — exist.
/// </summary>
public sealed class RegistryCredentialBindingTests
{
    private RecordingRegistry _source = null!;
    private RecordingRegistry _destination = null!;
    private string _dockerConfig = null!;

    [SetUp]
    public void SetUp()
    {
        _source = new RecordingRegistry("127.0.0.1");
        _source.Seed("a", "1");
        _destination = new RecordingRegistry("127.0.0.2");
        _dockerConfig = Directory.CreateTempSubdirectory("s3lo-dockercfg-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        _source.Dispose();
        _destination.Dispose();
        Directory.Delete(_dockerConfig, recursive: true);
    }

    private RunResult Copy(string from, string to, params string[] flags) =>
        S3loBinary.Run(["copy", from, to, .. flags], new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _dockerConfig }, null);

    private string Src => $"{_source.Authority}/a:1";
    private string Dest => $"{_destination.Authority}/b:1";

    private static string[] Sent(RecordingRegistry registry) => registry.TokenRequests.Distinct().Order().ToArray();

    private static void NoBasicAtTheRegistries(params RecordingRegistry[] registries)
    {
        foreach (var registry in registries)
            Assert.That(registry.RegistryRequests.Where(h => h.StartsWith("Basic", StringComparison.Ordinal)), Is.Empty, "the registries challenge with Bearer: only their token servers see a password");
    }

    [Test]
    public void CredsReachTheDestinationTokenServerOnly()
    {
        var r = Copy(Src, Dest, "--creds", "dest-user:dest-secret");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(_destination.HasManifest("b", "1"), Is.True);
        Assert.That(Sent(_destination), Is.EqualTo(new[] { RecordingRegistry.Basic("dest-user:dest-secret") }));
        Assert.That(Sent(_source), Is.EqualTo(new[] { "" }), "the source's token server is asked anonymously");
        NoBasicAtTheRegistries(_source, _destination);
    }

    [Test]
    public void SrcCredsAndDestCredsEachReachTheirOwnHost()
    {
        var r = Copy(Src, Dest, "--src-creds", "src-user:src-secret", "--dest-creds", "dest-user:dest-secret");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Sent(_source), Is.EqualTo(new[] { RecordingRegistry.Basic("src-user:src-secret") }));
        Assert.That(Sent(_destination), Is.EqualTo(new[] { RecordingRegistry.Basic("dest-user:dest-secret") }));
        NoBasicAtTheRegistries(_source, _destination);
    }

    [Test]
    public void CredsWithSrcCredsMeansTheDestination()
    {
        var r = Copy(Src, Dest, "--creds", "dest-user:dest-secret", "--src-creds", "src-user:src-secret");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Sent(_source), Is.EqualTo(new[] { RecordingRegistry.Basic("src-user:src-secret") }));
        Assert.That(Sent(_destination), Is.EqualTo(new[] { RecordingRegistry.Basic("dest-user:dest-secret") }));
    }

    [Test]
    public void CredsAreRefusedWhenTheDestinationIsNotARegistry()
    {
        using var store = new TempStore();

        var r = Copy(Src, store.Ref("a:1"), "--creds", "src-user:src-secret");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: --creds is the destination registry's login, and the destination is not a registry"));
        Assert.That(r.StderrLines[1], Is.EqualTo("hint: give the source registry's login with --src-creds USER:PASS"));
        Assert.That(_source.RegistryRequests.Concat(_source.TokenRequests), Is.Empty, "refused before any request");
    }

    [Test]
    public void SrcCredsReachTheSourceWhenTheDestinationIsNotARegistry()
    {
        using var store = new TempStore();

        var r = Copy(Src, store.Ref("a:1"), "--src-creds", "src-user:src-secret");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Sent(_source), Is.EqualTo(new[] { RecordingRegistry.Basic("src-user:src-secret") }));
    }

    [Test]
    public void CredsServeBothEndsOnOneHost()
    {
        var r = Copy(Src, $"{_source.Authority}/copy:1", "--creds", "user:secret");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(_source.HasManifest("copy", "1"), Is.True);
        Assert.That(Sent(_source), Is.EqualTo(new[] { RecordingRegistry.Basic("user:secret") }));
    }

    [Test]
    public void ADockerConfigLoginGoesToItsOwnHostOnly()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("cfg-user:cfg-secret"));
        File.WriteAllText(Path.Combine(_dockerConfig, "config.json"), "{\"auths\":{\"" + _source.Authority + "\":{\"auth\":\"" + auth + "\"}}}");

        var r = Copy(Src, Dest);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Sent(_source), Is.EqualTo(new[] { RecordingRegistry.Basic("cfg-user:cfg-secret") }));
        Assert.That(Sent(_destination), Is.EqualTo(new[] { "" }), "the destination never sees the source's login");
    }

    [Test]
    public void CredsWithDestCredsIsAUsageError()
    {
        var r = Copy(Src, Dest, "--creds", "u:p", "--dest-creds", "d:q");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: --creds and --dest-creds both give the destination registry's login"));
        Assert.That(r.StderrLines[1], Does.StartWith("hint: --creds is the destination registry's login"));
        Assert.That(_source.RegistryRequests.Concat(_destination.RegistryRequests), Is.Empty, "refused before any request");
    }

    [TestCase("--creds", "error: --creds is the destination registry's login, and the destination is not a registry")]
    [TestCase("--src-creds", "error: --src-creds is given but the source is not a registry")]
    [TestCase("--dest-creds", "error: --dest-creds is given but the destination is not a registry")]
    public void ALoginThatNoRegistryEndCanTakeIsAUsageError(string flag, string error)
    {
        using var from = TempStore.CopyOf(Repo.FixtureStore);
        using var to = new TempStore();

        var r = Copy(from.Ref("alpine:latest"), to.Ref("alpine:1"), flag, "u:p");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo(error));
        Assert.That(r.StderrLines[1], Does.StartWith("hint: "));
    }

    [Test]
    public void APlainHttpRealmOnAnotherHostGetsNoPasswordAndVerboseSaysWhy()
    {
        // A non-loopback address of this machine is "another host" for a registry on loopback.
        var elsewhere = NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (elsewhere is null) Assert.Ignore("this machine has no non-loopback IPv4 address to play another host");
        using var registry = new RecordingRegistry("127.0.0.1", tokenHost: elsewhere!.ToString());
        registry.Seed("a", "1");
        using var store = new TempStore();

        var r = Copy($"{registry.Authority}/a:1", store.Ref("a:1"), "--src-creds", "user:secret", "--verbose");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Sent(registry), Is.EqualTo(new[] { "" }), "the token was asked for anonymously");
        Assert.That(r.Stderr, Does.Contain($"not sending credentials to the token realm http://{registry.TokenAuthority}/token: it is plain http on another host than the registry"));
        Assert.That(r.Stderr, Does.Not.Contain("secret"));
    }
}

/// <summary>The new binding against the real htpasswd registry of the test services: a normal authenticated copy still works.</summary>
public sealed class RealRegistryCredentialTests
{
    private static string Env(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{variable} is not set: start the test services (eng/services.sh start registry) and eval \"$(eng/services.sh env)\"");

    // An empty docker config: only the typed logins exist.
    private static RunResult Run(params string[] args)
    {
        var config = Directory.CreateTempSubdirectory("s3lo-dockercfg-").FullName;
        try
        {
            return S3loBinary.Run(args, new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config }, null);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Test]
    public void CredsLogInToTheDestinationRegistryAndSrcCredsToTheSource()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var name = $"e2e-{Guid.NewGuid():N}/alpine:3";
        var open = $"{Env("S3LO_TEST_REGISTRY")}/{name}";
        var guarded = $"{Env("S3LO_TEST_REGISTRY_AUTH")}/{name}";
        var creds = $"{Env("S3LO_TEST_REGISTRY_USER")}:{Env("S3LO_TEST_REGISTRY_PASSWORD")}";
        var seeded = Run("copy", fixture.Ref("alpine:latest"), open, "--platform", "linux/amd64");
        Assert.That(seeded.ExitCode, Is.EqualTo(0), seeded.ToString);

        var sourceLoginOnly = Run("copy", open, guarded, "--src-creds", creds);
        Assert.That(sourceLoginOnly.ExitCode, Is.EqualTo(1), "--src-creds is not the destination's login: " + sourceLoginOnly);
        var guardedHost = Env("S3LO_TEST_REGISTRY_AUTH");
        Assert.That(sourceLoginOnly.StderrLines, Has.Length.EqualTo(2), sourceLoginOnly.ToString);
        Assert.That(sourceLoginOnly.StderrLines[0], Does.StartWith("error: ").And.EndWith($": HTTP 401 (authentication required by {guardedHost})"));
        Assert.That(sourceLoginOnly.StderrLines[1],
            Is.EqualTo($"hint: give credentials (--creds USER:PASSWORD, --src-creds/--dest-creds) or run 'docker login {guardedHost}'"));

        var toGuarded = Run("copy", open, guarded, "--creds", creds);
        Assert.That(toGuarded.ExitCode, Is.EqualTo(0), toGuarded.ToString);

        var fromGuarded = Run("copy", guarded, back.Ref("alpine:3"), "--src-creds", creds);
        Assert.That(fromGuarded.ExitCode, Is.EqualTo(0), fromGuarded.ToString);
        Assert.That(StoreChecker.Tags(back.Root), Is.EqualTo(new[] { ("alpine", "3") }), "the image came back through the guarded registry");
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }
}
