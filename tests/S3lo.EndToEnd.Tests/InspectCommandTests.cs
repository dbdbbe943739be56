using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>inspect through the published binary: when and how the tag was pushed, and what the image runs.</summary>
[NonParallelizable]
public sealed class InspectCommandTests
{
    private const string Image = "s3lo-e2e/inspect:run";
    private const string Base = "s3lo-e2e/inspect:base";
    // The classic builder puts the daemon's default PATH first in an image's env.
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image, Base);
        DockerCli.Import(Base, new Dictionary<string, byte[]> { ["etc/os-release"] = "NAME=s3lo-inspect\n"u8.ToArray() });
        using var dir = new TempDir("inspect-build");
        File.WriteAllText(dir.File("Dockerfile"), """
            FROM s3lo-e2e/inspect:base
            LABEL org.opencontainers.image.title="s3lo test" maintainer=ops
            ENV GREETING="hello world" MODE=test
            WORKDIR /srv/app
            ENTRYPOINT ["/bin/run", "--quiet"]
            CMD ["serve", "a \"quoted\" arg"]
            """);
        DockerCli.MustRun("build", "-q", "-t", Image, dir.Path);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image, Base);

    [Test]
    public void APushedTagShowsItsPushAndWhatTheImageRuns()
    {
        using var store = new TempStore();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));

        var json = S3loBinary.Run("inspect", store.Ref("app:1"), "--output", "json");
        Assert.That(json.ExitCode, Is.EqualTo(0), json.ToString);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        var digest = root.GetProperty("digest").GetString()!;
        Assert.That(root.GetProperty("pushedAt").GetDateTimeOffset(), Is.InRange(before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.That(root.GetProperty("pushedBy").GetString(), Is.EqualTo("push"));
        Assert.That(root.GetProperty("source").GetString(), Is.EqualTo("docker-daemon:" + Image));
        var platform = root.GetProperty("platforms").EnumerateArray().Single();
        Assert.That(Strings(platform.GetProperty("entrypoint")), Is.EqualTo(new[] { "/bin/run", "--quiet" }));
        Assert.That(Strings(platform.GetProperty("cmd")), Is.EqualTo(new[] { "serve", "a \"quoted\" arg" }));
        Assert.That(platform.GetProperty("workingDir").GetString(), Is.EqualTo("/srv/app"));
        Assert.That(Strings(platform.GetProperty("env")), Is.EqualTo(new[] { DefaultPath, "GREETING=hello world", "MODE=test" }));
        Assert.That(platform.GetProperty("labels").EnumerateObject().Select(p => (p.Name, p.Value.GetString())),
            Is.EquivalentTo(new[] { ("org.opencontainers.image.title", "s3lo test"), ("maintainer", "ops") }));

        var text = S3loBinary.Run("inspect", store.Ref("app:1"));
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        var lines = text.StdoutLines;
        Assert.That(lines[1], Does.Match(@"^pushed:     \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(lines[1], Is.EqualTo("pushed:     " + root.GetProperty("pushedAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.That(lines[..5].Where((_, i) => i != 1), Is.EqualTo(new[]
        {
            "reference:  " + store.Ref("app:1"),
            "by:         push",
            "source:     docker-daemon:" + Image,
            "digest:     " + digest,
        }));
        Assert.That(lines[^11..], Is.EqualTo(new[]
        {
            "  entrypoint: [\"/bin/run\", \"--quiet\"]",
            "  cmd:        [\"serve\", \"a \\\"quoted\\\" arg\"]",
            "  workdir:    /srv/app",
            "  env:",
            "    " + DefaultPath,
            "    GREETING=hello world",
            "    MODE=test",
            "  labels:",
            "    maintainer=ops",
            "    org.opencontainers.image.title=s3lo test",
            "signatures: none",
        }));
        Assert.That(root.GetProperty("signatures").GetArrayLength(), Is.EqualTo(0));
    }

    [Test]
    public void ADigestReferenceHasNoPushLines()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var digest = JsonDocument.Parse(S3loBinary.Run("inspect", store.Ref("app:1"), "--output", "json").Stdout).RootElement.GetProperty("digest").GetString();

        var text = S3loBinary.Run("inspect", store.Ref("app@" + digest));
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        Assert.That(text.StdoutLines[..2], Is.EqualTo(new[] { "reference:  " + store.Ref("app@" + digest), "digest:     " + digest }));
        Assert.That(text.StdoutLines, Has.Some.EqualTo("  workdir:    /srv/app"));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
