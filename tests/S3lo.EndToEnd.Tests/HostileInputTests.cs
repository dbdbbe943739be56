using System.Net;
using System.Net.Sockets;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Malformed command lines against the published binary: exit 2, the exact <c>error:</c> line, one
/// <c>hint:</c> line, nothing on stdout, and no side effect: no file created, no connection made.
/// </summary>
public sealed class HostileInputTests
{
    // {store}: an initialized local store; {out}: an oci: layout that must not appear;
    // {reg}: 127.0.0.1:PORT of a real listener that must not be connected to.
    [TestCase(2, "error: invalid registry host 'localhost:99999' in reference 'localhost:99999/a:1': port 99999 is not between 1 and 65535", "copy", "localhost:99999/a:1", "{out}")]
    [TestCase(2, "error: invalid registry host 'localhost:0' in reference 'localhost:0/a:1': port 0 is not between 1 and 65535", "copy", "localhost:0/a:1", "{out}")]
    [TestCase(2, "error: invalid registry host '[::1]:70000' in reference '[::1]:70000/a:1': port 70000 is not between 1 and 65535", "copy", "[::1]:70000/a:1", "{out}")]
    [TestCase(2, "error: invalid registry host '[1::2::3]:5000' in reference '[1::2::3]:5000/a:1': '1::2::3' is not an IPv6 address", "copy", "[1::2::3]:5000/a:1", "{out}")]
    [TestCase(2, "error: invalid registry host '[::1' in reference '[::1/a:1'", "copy", "[::1/a:1", "{out}")]
    [TestCase(2, "error: invalid repository name component 'bad_host!' in reference 'bad_host!/a:1'", "copy", "bad_host!/a:1", "{out}")]
    [TestCase(2, "error: invalid registry host 'localhost:99999' in reference 'localhost:99999/a:1': port 99999 is not between 1 and 65535", "copy", "{store}app:1", "localhost:99999/a:1")]
    [TestCase(2, "error: 'ftp://host/a:1' has an unknown scheme", "copy", "ftp://host/a:1", "{out}")]
    [TestCase(2, "error: 'S3://bucket/a:1' has an unknown scheme", "copy", "{store}app:1", "S3://bucket/a:1")]
    [TestCase(2, "error: copy writes a tag; '{store}app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' names a digest", "copy", "{reg}/a:1", "{store}app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [TestCase(2, "error: --timeout '999999999h' is too long: the longest is 24d", "list", "{store}", "--timeout", "999999999h")]
    [TestCase(2, "error: --timeout '25d' is too long: the longest is 24d", "copy", "{reg}/a:1", "{out}", "--timeout", "25d")]
    [TestCase(2, "error: --timeout '99999999999999999999s' is not a duration", "copy", "{reg}/a:1", "{out}", "--timeout", "99999999999999999999s")]
    [TestCase(2, "error: --timeout '0s' is zero", "copy", "{reg}/a:1", "{out}", "--timeout", "0s")]
    [TestCase(2, "error: --timeout '-5s' is not a duration", "list", "{store}", "--timeout", "-5s")]
    [TestCase(2, "error: --timeout '-5s' is not a duration", "list", "{store}", "--timeout=-5s")]
    [TestCase(2, "error: --concurrency must be between 1 and 256, not 0", "copy", "{reg}/a:1", "{out}", "--concurrency", "0")]
    [TestCase(2, "error: --concurrency must be between 1 and 256, not -1", "copy", "{reg}/a:1", "{out}", "--concurrency", "-1")]
    [TestCase(2, "error: --concurrency must be between 1 and 256, not 999999", "copy", "{reg}/a:1", "{out}", "--concurrency", "999999")]
    [TestCase(2, "error: Option 'concurrency' requires Int32 value. '99999999999' cannot be converted to Int32 value.", "list", "{store}", "--concurrency", "99999999999")]
    [TestCase(2, "error: unexpected argument 'extra': 'list' takes one argument", "list", "{store}", "extra")]
    [TestCase(2, "error: unexpected argument 'extra': 'copy' takes at most 2 arguments", "copy", "{reg}/a:1", "{out}", "extra")]
    [TestCase(2, "error: unexpected argument 'extra': 'pull' takes at most 2 arguments", "pull", "{store}app:1", "app:2", "extra")]
    [TestCase(2, "error: 'pu\\x1b[2Jsh' is not an s3lo command", "pu\u001b[2Jsh", "{store}")]
    [TestCase(2, "error: 'list' needs its bucket argument", "list")]
    [TestCase(2, "error: 'copy' needs its destination argument", "copy", "{reg}/a:1")]
    [TestCase(2, "error: --timeout needs a value", "list", "{store}", "--timeout")]
    [TestCase(2, "error: unknown option '--bogus'", "list", "{store}", "--bogus")]
    [TestCase(2, "error: unknown option '--bogus'", "copy", "{reg}/a:1", "{out}", "--bogus=1")]
    [TestCase(2, "error: unknown option '-x'", "list", "{store}", "-x")]
    [TestCase(2, "error: unknown option '--bogus'", "--bogus")]
    [TestCase(2, "error: reference is empty", "inspect", "")]
    [TestCase(2, "error: reference is empty", "list", "")]
    [TestCase(2, "error: registry reference is empty", "copy", "", "{out}")]
    [TestCase(2, "error: reference 's3://bucket/a\\u000a:1' contains whitespace or a control character", "inspect", "s3://bucket/a\n:1")]
    [TestCase(2, "error: reference 's3://bucket/a\\u001b[31m:1' contains whitespace or a control character", "delete", "s3://bucket/a\u001b[31m:1")]
    [TestCase(2, "error: registry reference '{reg}/a\\u000a:1' contains whitespace or a control character", "copy", "{reg}/a\n:1", "{out}")]
    [TestCase(2, "error: --output 'xml' is not a format", "list", "{store}", "--output", "xml")]
    [TestCase(2, "error: --output 'xml' is not a format", "copy", "{reg}/a:1", "{out}", "-o", "xml")]
    [TestCase(2, "error: invalid platform 'linux/'", "copy", "{reg}/a:1", "{out}", "--platform", "linux/")]
    [TestCase(2, "error: invalid platform '/amd64'", "copy", "{reg}/a:1", "{out}", "--platform", "/amd64")]
    [TestCase(2, "error: invalid platform 'a/b/c/d'", "copy", "{reg}/a:1", "{out}", "--platform", "a/b/c/d")]
    [TestCase(2, "error: invalid platform 'linux/'", "pull", "{store}app:1", "--platform", "linux/")]
    [TestCase(2, "error: invalid platform 'a/b/c/d'", "push", "img:1", "{store}app:1", "--platform", "a/b/c/d")]
    public void MalformedInputIsOneErrorLineAHintAndNoSideEffect(int exitCode, string firstLine, params string[] args)
    {
        using var store = new TempStore();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var registry = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        string Fill(string text) => text.Replace("{store}", store.Url).Replace("{reg}", registry)
            .Replace("{out}", "oci:" + Path.Combine(store.Parent, "out"));
        var before = Snapshot(store.Parent);

        var r = S3loBinary.Run(args.Select(Fill).ToArray(), null, store.Parent);

        Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo(Fill(firstLine)), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[1], Does.StartWith("hint: "));
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(Snapshot(store.Parent), Is.EqualTo(before), "no file created or changed");
        Assert.That(listener.Pending(), Is.False, "no connection to the registry");
    }

    [Test]
    public void AnUnknownSchemeListsEveryFormCopyTakes()
    {
        var r = S3loBinary.Run("copy", "ftp://host/a:1", "oci:./out");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            "error: 'ftp://host/a:1' has an unknown scheme",
            "hint: use SCHEME://BUCKET/IMAGE:TAG (s3, gs, az, local), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker-daemon:NAME[:TAG] or a registry reference like ghcr.io/org/app:1",
        }), r.ToString);
    }

    private static List<string> Snapshot(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}")
            .Order(StringComparer.Ordinal).ToList();
}
