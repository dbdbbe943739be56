using System.Diagnostics;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// SIGKILL at random moments of a push must never leave a tag that references a missing or
/// partial blob, and running the push again must complete.
/// </summary>
[NonParallelizable]
public sealed class KilledPushTests
{
    private const string ImageA = "s3lo-e2e/kill:a";
    private const string ImageB = "s3lo-e2e/kill:b";
    private const int Trials = 16;

    [OneTimeSetUp]
    public void BuildImages()
    {
        DockerCli.RequireDaemon();
        TestImages.Build(ImageA, seed: 11, extraLayers: 3, layerBytes: 3_000_000);
        TestImages.Build(ImageB, seed: 12, extraLayers: 3, layerBytes: 3_000_000);
    }

    [OneTimeTearDown]
    public void RemoveImages()
    {
        DockerCli.RemoveImage(ImageA);
        DockerCli.RemoveImage(ImageB);
    }

    [Test]
    public void KilledFirstPushLeavesNoBrokenTagAndResumes()
    {
        var fullRun = TimeAPush(ImageA);
        var random = new Random(2024);
        for (var trial = 0; trial < Trials; trial++)
        {
            using var store = new TempStore();
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * fullRun.TotalMilliseconds * 1.1);
            KillPushAfter(ImageA, store.Ref("app:1"), delay);

            var problems = StoreChecker.Problems(store.Root);
            Assert.That(problems, Is.Empty, $"trial {trial}, killed after {delay.TotalMilliseconds:F0} ms");

            var rerun = S3loBinary.Run("push", ImageA, store.Ref("app:1"));
            Assert.That(rerun.ExitCode, Is.EqualTo(0), () => $"trial {trial}: re-run failed: {rerun}");
            Assert.That(StoreChecker.Tags(store.Root), Is.EqualTo(new[] { ("app", "1") }));
            Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
        }
    }

    [Test]
    public void KilledOverwriteLeavesTheOldOrTheNewImageWhole()
    {
        var fullRun = TimeAPush(ImageB);
        var random = new Random(4048);
        for (var trial = 0; trial < Trials / 2; trial++)
        {
            using var store = new TempStore();
            Assert.That(S3loBinary.Run("push", ImageA, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * fullRun.TotalMilliseconds * 1.1);
            KillPushAfter(ImageB, store.Ref("app:1"), delay);

            Assert.That(StoreChecker.Problems(store.Root), Is.Empty, $"trial {trial}, killed after {delay.TotalMilliseconds:F0} ms");
            Assert.That(StoreChecker.Tags(store.Root), Is.EqualTo(new[] { ("app", "1") }), "the tag never disappears");

            Assert.That(S3loBinary.Run("push", ImageB, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
            Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
        }
    }

    private static TimeSpan TimeAPush(string image)
    {
        using var store = new TempStore();
        var clock = Stopwatch.StartNew();
        var r = S3loBinary.Run("push", image, store.Ref("app:1"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return clock.Elapsed;
    }

    private static void KillPushAfter(string image, string destination, TimeSpan delay)
    {
        var start = new ProcessStartInfo(S3loBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "push", image, destination }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        if (!process.WaitForExit(delay)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }
}
