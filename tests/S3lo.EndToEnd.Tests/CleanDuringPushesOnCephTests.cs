using System.Collections.Concurrent;
using System.Diagnostics;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The acceptance test of online garbage collection: on one Ceph bucket, a loop of <c>clean --confirm --grace 0s</c>
/// runs against a loop of copies whose images reuse the unique layer of the tag the clean is pruning. Afterwards
/// every tag left reads back whole, and no clean reported a failure.
/// </summary>
[NonParallelizable]
public sealed class CleanDuringPushesOnCephTests
{
    private static readonly TimeSpan Busy = TimeSpan.FromSeconds(45);

    [Test]
    public async Task CleansLoopingDuringCopiesThatReusePrunedLayersLeaveEveryTagWhole()
    {
        using var bucket = S3Server.CreateBucket();
        var work = Directory.CreateTempSubdirectory("s3lo-e2e-gc-").FullName;
        try
        {
            var layout = Path.Combine(work, "layout");
            string[] endpoint = ["--endpoint", S3Server.Endpoint];
            // Ceph has no INTELLIGENT_TIERING: STANDARD keeps stderr to what this test is about.
            string[] copyFlags = [.. endpoint, "--storage-class", "STANDARD"];

            // Seed app:s1..s3, one shared base layer (seed 1) and one unique layer each.
            for (var k = 1; k <= 3; k++)
            {
                OciLayoutImages.Write(layout, $"s{k}", 1, 100 + k);
                var seed = S3loBinary.Run(["copy", $"oci:{layout}:s{k}", bucket.Ref($"app:s{k}"), .. copyFlags]);
                Assert.That(seed.ExitCode, Is.EqualTo(0), seed.ToString);
            }
            var set = S3loBinary.Run(["config", "set", bucket.Ref("app"), "lifecycle.keep_last=1", .. endpoint]);
            Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString);

            // Each new image reuses the previous one's unique layer (at first s3's, which the first clean prunes)
            // and adds one; two of three are new tags of app (so the previous app tag gets pruned), one of other.
            const int count = 120;
            var targets = new string[count + 1];
            for (var n = 1; n <= count; n++)
            {
                OciLayoutImages.Write(layout, $"n{n}", 1, n == 1 ? 103 : 200 + n - 1, 200 + n);
                targets[n] = (n % 3 == 0 ? "other" : "app") + $":n{n}";
            }

            var cleans = new ConcurrentQueue<RunResult>();
            var copies = new ConcurrentQueue<(string Target, RunResult Result)>();
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var cleaning = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                    cleans.Enqueue(S3loBinary.Run(["clean", bucket.Url, "--confirm", "--grace", "0s", .. endpoint]));
            });
            var copying = Task.Run(() =>
            {
                for (var n = 1; n <= count && clock.Elapsed < Busy; n++)
                    copies.Enqueue((targets[n], S3loBinary.Run(["copy", $"oci:{layout}:n{n}", bucket.Ref(targets[n]), .. copyFlags])));
            });
            await copying;
            await stop.CancelAsync();
            await cleaning;

            foreach (var (target, result) in copies) Assert.That(result.ExitCode, Is.EqualTo(0), () => $"copy to {target}: {result}");
            foreach (var clean in cleans)
            {
                Assert.That(clean.ExitCode, Is.EqualTo(0), clean.ToString);
                Assert.That(clean.StdoutLines.Where(l => l.StartsWith("failed to delete", StringComparison.Ordinal)), Is.Empty, clean.ToString);
            }
            var prunedTags = cleans.SelectMany(c => c.StdoutLines).Count(l => l.StartsWith("deleted tag app:", StringComparison.Ordinal));
            var deletedBlobs = cleans.SelectMany(c => c.StdoutLines).Count(l => l.StartsWith("deleted blob ", StringComparison.Ordinal));
            Assert.That(copies.Count, Is.GreaterThanOrEqualTo(10), "enough copies ran during the cleans");
            Assert.That(cleans.Count, Is.GreaterThanOrEqualTo(3), "enough cleans ran during the copies");
            Assert.That(prunedTags, Is.GreaterThan(0), "the cleans pruned app tags while copies reused their layers");
            Assert.That(deletedBlobs, Is.GreaterThan(0), "the cleans deleted blobs while copies ran");

            // Every tag still in the bucket copies out whole: copy checks every blob and verifies every digest.
            var list = S3loBinary.Run(["list", bucket.Url, .. endpoint]);
            Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
            Assert.That(list.StdoutLines, Does.Contain(copies.Last(c => c.Target.StartsWith("app:", StringComparison.Ordinal)).Target),
                "the newest app tag is kept");
            var output = Path.Combine(work, "out");
            foreach (var tag in list.StdoutLines)
            {
                var back = S3loBinary.Run(["copy", bucket.Ref(tag), $"oci:{output}:{tag.Replace(':', '-')}", .. endpoint]);
                Assert.That(back.ExitCode, Is.EqualTo(0), () => $"copy out {tag}: {back}");
            }
            var waited = copies.Count(c => c.Result.Stderr.Contains("waiting for a clean of", StringComparison.Ordinal));
            var repaired = copies.Count(c => c.Result.Stderr.Contains("pushing again to upload them", StringComparison.Ordinal));
            TestContext.Out.WriteLine($"{copies.Count} copies ({waited} waited for a clean, {repaired} uploaded again), {cleans.Count} cleans "
                + $"({prunedTags} tags pruned, {deletedBlobs} blobs deleted), {list.StdoutLines.Length} tags verified, {clock.Elapsed.TotalSeconds:F0}s");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
