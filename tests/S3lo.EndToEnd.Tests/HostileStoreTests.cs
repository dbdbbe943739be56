using System.Text.Json.Nodes;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A store written by someone else: names with terminal escapes, corrupt documents, a file where a
/// directory belongs. Each shows as escaped text or one error line, never raw bytes or a crash.
/// </summary>
public sealed class HostileStoreTests
{
    private const string Amd64Manifest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
    private const string Amd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";

    [Test]
    public void ListEscapesControlCharactersInTagNames()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var latest = Path.Combine(store.Root, "manifests", "alpine", "latest");
        CopyTag(latest, "x\u001b[31mred");
        CopyTag(latest, "nl\nfake:line");

        var r = S3loBinary.Run("list", store.Url);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[] { "alpine:latest", @"alpine:nl\nfake:line", @"alpine:x\x1b[31mred" }));
        Assert.That(r.Stdout, Does.Not.Contain("\u001b"));
        foreach (var format in new[] { "json", "yaml" })
        {
            var structured = S3loBinary.Run("list", store.Url, "--output", format);
            Assert.That(structured.ExitCode, Is.EqualTo(0), structured.ToString);
            Assert.That(structured.Stdout, Does.Contain("red").And.Not.Contain("\u001b"), format);
        }
    }

    [Test]
    public void InspectEscapesControlCharactersInPlatforms()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        EditTagManifest(store, doc => doc["manifests"]![0]!["platform"]!["os"] = "linux\u001b[2J");

        var r = S3loBinary.Run("inspect", store.Ref("alpine:latest"));

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Does.Contain(@"linux\x1b[2J/amd64"));
        Assert.That(r.Stdout, Does.Not.Contain("\u001b"));
    }

    [Test]
    public void ErrorLinesEscapeControlCharactersFromTheStore()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        EditTagManifest(store, doc => doc["manifests"]![0]!["digest"] = "sha256:evil\u001b[31m\nerror: forged");

        var r = S3loBinary.Run("copy", store.Ref("alpine:latest"), "oci:" + Path.Combine(store.Parent, "out"));

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo(@"error: invalid digest 'sha256:evil\x1b[31m\nerror: forged': expected sha256:<64 lowercase hex digits>"));
        Assert.That(r.StderrLines, Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Not.Contain("\u001b"));
    }

    [Test]
    public void NegativeSizeInAnIndexIsOneLineExitOne()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        EditTagManifest(store, doc => doc["manifests"]![0]!["size"] = -1);

        var r = S3loBinary.Run("inspect", store.Ref("alpine:latest"));

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: manifest of alpine:latest gives {Amd64Manifest} a negative size (-1)"));
        Assert.That(r.StderrLines, Has.Length.EqualTo(2));
        Assert.That(r.StderrLines[1], Does.StartWith("hint: "));
    }

    [Test]
    public void NegativeSizeInAManifestIsOneLineExitOne()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Amd64Config, ["size"] = -5 },
            ["layers"] = new JsonArray(),
        };
        File.WriteAllText(Path.Combine(store.Root, "manifests", "alpine", "latest", "manifest.json"), manifest.ToJsonString());

        foreach (var args in new[] { new[] { "inspect", store.Ref("alpine:latest") }, ["copy", store.Ref("alpine:latest"), "oci:" + Path.Combine(store.Parent, "out")] })
        {
            var r = S3loBinary.Run(args);
            Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
            Assert.That(r.StderrLines[0], Is.EqualTo($"error: manifest of alpine:latest gives {Amd64Config} a negative size (-5)"));
            Assert.That(r.StderrLines, Has.Length.EqualTo(2));
        }
        Assert.That(Directory.Exists(Path.Combine(store.Parent, "out")), Is.False);
    }

    // A path through a regular file: the runtime's own IOException, which s3lo does not wrap. Its message
    // must be real text (not a resource key such as IO_PathNotFound_Path), and the stack only with --verbose.
    [Test]
    public void AnUnforeseenFailureIsOneLineAndItsStackOnlyWithVerbose()
    {
        using var store = new TempStore(initialize: false);
        var file = Path.Combine(store.Parent, "a-file");
        File.WriteAllText(file, "not a directory");
        var target = Path.Combine(file, "store");

        var r = S3loBinary.Run("init", "--local", target);

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: Could not find a part of the path '{target}'."));
        Assert.That(r.StderrLines, Is.EqualTo(new[] { r.StderrLines[0], "hint: run again with --verbose for the details" }));

        var verbose = S3loBinary.Run("init", "--local", target, "--verbose");
        Assert.That(verbose.ExitCode, Is.EqualTo(1), verbose.ToString);
        Assert.That(verbose.StderrLines, Does.Contain(r.StderrLines[0]));
        Assert.That(verbose.StderrLines, Has.Some.Match(@"^\s+at S3lo\."), "the stack trace, with --verbose");
        Assert.That(verbose.Stderr, Does.Not.Contain("Unhandled exception").IgnoreCase);
    }

    [Test]
    public void TheCrashCheckRecognisesAStackTraceOnlyWithoutVerbose()
    {
        const string stack = "error: boom\nSystem.InvalidOperationException: boom\n   at S3lo.Cli.Program.Main()\n";
        Assert.That(StderrLog.IsCrash("s3lo list local://x/", stack), Is.True);
        Assert.That(StderrLog.IsCrash("s3lo list local://x/ --verbose", stack), Is.False);
        Assert.That(StderrLog.IsCrash("s3lo list local://x/ --verbose", "Unhandled exception. System.Exception"), Is.True);
        Assert.That(StderrLog.IsCrash("s3lo list local://x/", "error: no tag 'what at all'\nhint: at least one"), Is.False);
    }

    private static void CopyTag(string tagDir, string newTag)
    {
        var to = Path.Combine(Path.GetDirectoryName(tagDir)!, newTag);
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(tagDir)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    private static void EditTagManifest(TempStore store, Action<JsonNode> edit)
    {
        var path = Path.Combine(store.Root, "manifests", "alpine", "latest", "manifest.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        edit(doc);
        File.WriteAllText(path, doc.ToJsonString());
    }
}
