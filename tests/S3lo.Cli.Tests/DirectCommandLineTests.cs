using System.Reflection;
using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Tests;

/// <summary>What the direct dispatch answers, and everything it leaves to Cocona.</summary>
public sealed class DirectCommandLineTests
{
    [Test]
    public void ListWithItsArgumentIsAnsweredDirectly()
    {
        var line = DirectCommandLine.TryParse(["ls", "local://./store/"])!;

        Assert.That(line.Command, Is.EqualTo("list"));
        Assert.That(line.Argument, Is.EqualTo("local://./store/"));
        Assert.That(line.Options.Output, Is.EqualTo("text"));
        Assert.That(line.Options.Concurrency, Is.EqualTo(8));
    }

    [Test]
    public void GlobalFlagsAreReadInEverySpelling()
    {
        var line = DirectCommandLine.TryParse(["inspect", "-o", "json", "s3://b/app:1", "--endpoint=http://127.0.0.1:7480", "--region", "eu-west-1", "-v", "--no-progress", "--progress=plain", "--timeout", "30s", "--concurrency=3"])!;

        Assert.That(line.Command, Is.EqualTo("inspect"));
        Assert.That(line.Argument, Is.EqualTo("s3://b/app:1"));
        Assert.That(line.Options.Output, Is.EqualTo("json"));
        Assert.That(line.Options.Endpoint, Is.EqualTo("http://127.0.0.1:7480"));
        Assert.That(line.Options.Region, Is.EqualTo("eu-west-1"));
        Assert.That(line.Options.Verbose, Is.True);
        Assert.That(line.Options.NoProgress, Is.True);
        Assert.That(line.Options.Progress, Is.EqualTo("plain"));
        Assert.That(line.Options.Timeout, Is.EqualTo("30s"));
        Assert.That(line.Options.Concurrency, Is.EqualTo(3));
    }

    [TestCase("push", "app:1", "local://./s/app:1")]
    [TestCase("list")]
    [TestCase("list", "--help")]
    [TestCase("list", "local://./s/", "-h")]
    [TestCase("list", "local://./s/", "--bogus")]
    [TestCase("list", "local://./s/", "--output")]
    [TestCase("list", "local://./s/", "--concurrency", "many")]
    [TestCase("list", "local://./s/", "--verbose=yes")]
    [TestCase("inspect", "local://./s/a:1", "local://./s/b:1")]
    public void AnythingElseIsLeftToCocona(params string[] args) =>
        Assert.That(DirectCommandLine.TryParse(args), Is.Null);

    /// <summary>A global flag added to GlobalOptions but not here would send list and inspect through Cocona: slower, never wrong.</summary>
    [Test]
    public void EveryGlobalFlagIsKnown()
    {
        var spellings = typeof(GlobalOptions).GetProperties()
            .Select(p => p.GetCustomAttribute<OptionAttribute>())
            .OfType<OptionAttribute>()
            .SelectMany(o => o.ShortNames.Select(c => "-" + c).Prepend("--" + o.Name));

        Assert.That(DirectCommandLine.Flags.Keys, Is.EquivalentTo(spellings));
    }
}
