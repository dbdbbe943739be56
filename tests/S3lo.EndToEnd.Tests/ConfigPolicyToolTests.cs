using System.Text.Json.Nodes;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>config validate</c>'s <c>scan</c> and <c>signed</c> policies on the published binary. Real Trivy is not
/// available on this machine, so the scan policy runs a stand-in trivy (a bash script) that records its
/// arguments and exits with the code the test chooses; signatures are real, made by <c>s3lo keygen</c> and <c>sign</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConfigPolicyToolTests
{
    private const string Password = "policy-test-password";
    private const string StandIn = """
        #!/bin/bash
        printf '%s\n' "$@" > "$(dirname "$0")/args.txt"
        echo "stand-in report"
        exit ${STANDIN_EXIT:-0}

        """;

    private TempStore _store = null!;
    private string _trivy = null!;

    [SetUp]
    public void Seed()
    {
        _store = new TempStore();
        var layout = Path.Combine(_store.Parent, "layout");
        OciLayoutImages.Write(layout, "v1", 1, 2);
        Assert.That(Run("copy", $"oci:{layout}:v1", _store.Ref("app:v1")).ExitCode, Is.EqualTo(0));
        var tools = Directory.CreateDirectory(Path.Combine(_store.Parent, "tools")).FullName;
        _trivy = Path.Combine(tools, "trivy");
        File.WriteAllText(_trivy, StandIn);
        File.SetUnixFileMode(_trivy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void Remove() => _store.Dispose();

    [TestCase(5, 1, "FAIL no-critical (scan): vulnerabilities at CRITICAL ('s3lo scan' lists them)")]
    [TestCase(0, 0, "pass no-critical (scan): no vulnerabilities at CRITICAL")]
    [TestCase(1, 2, "cannot run no-critical (scan): trivy could not scan the image")]
    public void AScanPolicyRunsTrivyOnTheImageForTheSeveritiesAboveItsMaximum(int trivyExit, int expectedExit, string line)
    {
        WritePolicies("  - {name: no-critical, check: scan, max_severity: HIGH}\n");

        var result = Run(["config", "validate", _store.Ref("app:v1")], new() { ["S3LO_TRIVY"] = _trivy, ["STANDIN_EXIT"] = trivyExit.ToString() });

        Assert.That(result.ExitCode, Is.EqualTo(expectedExit), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[] { line }), "trivy's own report is not part of validate's output");
        var args = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(_trivy)!, "args.txt"));
        Assert.That(args[..2], Is.EqualTo(new[] { "image", "--input" }));
        Assert.That(args[3..], Is.EqualTo(new[] { "--severity", "CRITICAL", "--format", "table", "--exit-code", "5" }));
        Assert.That(File.Exists(args[2]), Is.False, "the temp archive is gone after the run");
    }

    [Test]
    public void AScanPolicyWithoutTrivyCannotRunAndSaysHowToInstallIt()
    {
        WritePolicies("  - {name: no-critical, check: scan, max_severity: HIGH}\n");
        var home = Directory.CreateDirectory(Path.Combine(_store.Parent, "home")).FullName;

        var result = Run(["config", "validate", _store.Ref("app:v1")], new() { ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["S3LO_TRIVY"] = null });

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[] { "cannot run no-critical (scan): trivy is not installed ('s3lo scan --install-trivy REF' installs it)" }));
        Assert.That(result.StderrLines[0], Is.EqualTo("error: policy no-critical could not run: trivy is not installed ('s3lo scan --install-trivy REF' installs it)"));
        Assert.That(Directory.EnumerateFileSystemEntries(home), Is.Empty, "a policy never installs trivy");
    }

    [Test]
    public void ASignedPolicyPassesForTheSignedDigestAndFailsOnceTheTagMoves()
    {
        var prefix = Path.Combine(_store.Parent, "release");
        Assert.That(Run("keygen", prefix).ExitCode, Is.EqualTo(0));
        Assert.That(Run("sign", _store.Ref("app:v1"), "--key", prefix + ".key").ExitCode, Is.EqualTo(0));
        var signature = Directory.GetFiles(Path.Combine(_store.Root, "manifests", "app", "v1", "signatures")).Single();
        var keyId = Path.GetFileNameWithoutExtension(signature);
        var document = JsonNode.Parse(File.ReadAllText(signature))!;
        var signedAt = document["signedAt"]!.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        WritePolicies($"  - {{name: release, check: signed, key_ref: {prefix}.pub}}\n");

        var passed = Run("config", "validate", _store.Ref("app:v1"));
        Assert.That(passed.ExitCode, Is.EqualTo(0), passed.ToString);
        Assert.That(passed.StdoutLines, Is.EqualTo(new[] { $"pass release (signed): signed by key {keyId} at {signedAt}" }));

        var layout = Path.Combine(_store.Parent, "layout");
        var newDigest = OciLayoutImages.Write(layout, "v2", 3, 4);
        Assert.That(Run("copy", $"oci:{layout}:v2", _store.Ref("app:v1")).ExitCode, Is.EqualTo(0));
        var moved = Run("config", "validate", _store.Ref("app:v1"));
        Assert.That(moved.ExitCode, Is.EqualTo(1), moved.ToString);
        Assert.That(moved.StdoutLines, Is.EqualTo(new[]
        {
            $"FAIL release (signed): the signature by key {keyId} covers {document["digest"]!.GetValue<string>()}, the tag points at {newDigest}",
        }));
    }

    [Test]
    public void ASignedPolicyWhoseKeyFileIsMissingCannotRun()
    {
        var missing = Path.Combine(_store.Parent, "nowhere.pub");
        WritePolicies($"  - {{name: release, check: signed, key_ref: {missing}}}\n");

        var result = Run("config", "validate", _store.Ref("app:v1"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StdoutLines.Single(), Does.StartWith("cannot run release (signed): ").And.Contain(missing));
    }

    private void WritePolicies(string entries) => File.WriteAllText(Path.Combine(_store.Root, "s3lo.yaml"), "policies:\n" + entries);

    private static RunResult Run(params string[] args) => Run(args, []);

    private static RunResult Run(string[] args, Dictionary<string, string?> environment)
    {
        environment.TryAdd("COSIGN_PASSWORD", Password);
        return S3loBinary.Run(args, environment, null);
    }
}
