namespace S3lo.EndToEnd.Tests;

/// <summary>Bad input: one clear line (plus a hint), exit code 2, nothing touched.</summary>
public sealed class CommandLineTests
{
    [Test]
    public void VersionPrintsTheVersionAndExitsZero()
    {
        var r = S3loBinary.Run("--version");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.Stdout, Does.Match(@"^s3lo \d+\.\d+\.\d+"));
    }

    [Test]
    public void HelpCommandShowsTheCommandsUsage()
    {
        var r = S3loBinary.Run("help", "push");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.Stdout, Does.Contain("Usage: s3lo push").And.Contain("--compression"));
    }

    [Test]
    public void BashCompletionIsAScript()
    {
        var r = S3loBinary.Run("completion", "bash");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.Stdout, Does.Contain("complete").And.Contain("s3lo"));
        Assert.That(S3loBinary.Run("completion", "tcsh").ExitCode, Is.EqualTo(2));
    }

    [TestCase("inspect", "local://./store/app", "no tag or digest")]
    [TestCase("inspect", "ftp://bucket/app:1", "scheme")]
    [TestCase("inspect", "s3://bucket/App:1", "lowercase")]
    [TestCase("inspect", "s3://bucket/../app:1", "..")]
    [TestCase("inspect", "s3://bucket/app@sha256:1234", "digest")]
    [TestCase("delete", "gs://bucket/app", "no tag or digest")]
    [TestCase("list", "az:///", "empty bucket")]
    public void MalformedReferenceIsOneLineAndExitTwo(string command, string reference, string mentions)
    {
        var r = S3loBinary.Run(command, reference);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain(mentions).IgnoreCase);
        Assert.That(r.StderrLines, Has.Length.LessThanOrEqualTo(2), "one error line and at most one hint");
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void PushWithoutTagSaysHowToWriteIt()
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("push", "whatever:1", store.Ref("app"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.Stderr, Does.Contain("app:TAG"));
        Assert.That(StoreChecker.Tags(store.Root), Is.Empty);
    }

    [Test]
    public void UnknownCommandIsAUsageError()
    {
        var r = S3loBinary.Run("pusj", "a", "b");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: 'pusj' is not an s3lo command"));
    }

    [Test]
    public void UnknownConfigCommandIsAUsageErrorNamingTheOnesThereAre()
    {
        var r = S3loBinary.Run("config", "sett", "local://./x/", "immutable=true");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            "error: 'sett' is not a config command",
            "hint: config commands: set, get, remove, recommend, validate; 's3lo config --help' shows them",
        }));
    }

    [Test]
    public void UnknownOptionIsAUsageError()
    {
        var r = S3loBinary.Run("list", "local:///tmp/", "--bogus");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.Stderr, Does.Contain("bogus"));
    }

    [Test]
    public void MissingArgumentIsAUsageError()
    {
        var r = S3loBinary.Run("push", "only-one");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: "));
    }

    [TestCase("--output", "xml", "xml")]
    [TestCase("--timeout", "soon", "soon")]
    [TestCase("--compression", "brotli", "brotli")]
    [TestCase("--platform", "linux", "linux")]
    public void BadFlagValueIsAUsageErrorAndWritesNothing(string flag, string value, string mentions)
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("push", "img:1", store.Ref("app:1"), flag, value);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain(mentions));
        Assert.That(StoreChecker.Tags(store.Root), Is.Empty);
    }

    [Test]
    public void ReferenceToAMissingLocalStoreSaysToInitIt()
    {
        var dir = Path.Combine(Path.GetTempPath(), "s3lo-none-" + Guid.NewGuid().ToString("N"));
        var r = S3loBinary.Run("inspect", $"local://{dir}/store/app:1");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.Stderr, Does.Contain("s3lo init --local"));
        Assert.That(Directory.Exists(dir), Is.False);
    }

    [Test]
    public void ATimeoutIsReportedTheWayItWasTyped()
    {
        // A registry that accepts and never answers (a stand-in: no real server hangs on demand).
        using var silent = new LoopbackHttpServer(async context => await Task.Delay(TimeSpan.FromSeconds(30)));
        var output = Path.Combine(Path.GetTempPath(), $"s3lo-e2e-timeout-{Guid.NewGuid():N}");

        var r = S3loBinary.Run("copy", $"{silent.Authority}/a:1", $"oci:{output}", "--timeout", "1s500ms");

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: timed out after 1s500ms"));
        Assert.That(r.StderrLines[1], Is.EqualTo("hint: raise --timeout or check the connection"));
        Assert.That(Directory.Exists(output), Is.False, "nothing written");
    }
}
