using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Twelve s3lo processes copy twelve tags into one oci: layout, one oci-archive: file and one docker-archive:
/// file at once. Each target must end up holding all twelve tags, each of which copies back to the image
/// that went in (two platforms alternate, so a tag pointing at the wrong image shows).
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class ConcurrentArchiveWriterTests
{
    private const int Writers = 12;
    private static readonly string[] Platforms = ["linux/amd64", "linux/386"];

    [TestCase("oci")]
    [TestCase("oci-archive")]
    [TestCase("docker-archive")]
    public void TwelveConcurrentCopiesKeepEveryTag(string kind)
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var target = Path.Combine(back.Parent, kind == "oci" ? "layout" : "image.tar");
        string Ref(int i) => kind switch
        {
            "oci" => $"oci:{target}:t{i}",
            "oci-archive" => $"oci-archive:{target}:t{i}",
            _ => $"docker-archive:{target}:example/app:t{i}",
        };

        // The digest each platform copies back as, through a target of this kind holding only that image.
        var expected = Platforms.Select((platform, p) =>
        {
            var single = Path.Combine(back.Parent, $"single-{p}" + (kind == "oci" ? "" : ".tar"));
            var singleRef = kind switch { "oci" => $"oci:{single}:x", "oci-archive" => $"oci-archive:{single}:x", _ => $"docker-archive:{single}:example/app:x" };
            var to = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), singleRef, "--platform", platform);
            Assert.That(to.ExitCode, Is.EqualTo(0), to.ToString);
            return DigestOf(S3loBinary.Run("copy", singleRef, back.Ref($"single:{p}"), "--output", "json"));
        }).ToArray();
        Assert.That(expected[0], Is.Not.EqualTo(expected[1]), "the platforms copy back as different images, or a swapped tag would not show");

        var results = new RunResult[Writers];
        Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, i =>
            results[i] = S3loBinary.Run(["copy", fixture.Ref("alpine:latest"), Ref(i), "--platform", Platforms[i % 2]], null, null, TimeSpan.FromMinutes(5)));
        for (var i = 0; i < Writers; i++) Assert.That(results[i].ExitCode, Is.EqualTo(0), $"writer {i}: {results[i]}");

        for (var i = 0; i < Writers; i++)
        {
            var copy = S3loBinary.Run("copy", Ref(i), back.Ref($"app:t{i}"), "--output", "json");
            Assert.That(DigestOf(copy), Is.EqualTo(expected[i % 2]), $"tag t{i} copies back as the image written under it");
        }
        var dir = kind == "oci" ? target : back.Parent;
        var leftovers = Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n!.Contains(".s3lo", StringComparison.Ordinal)).ToList();
        Assert.That(leftovers, Is.Empty, "no temp, spool or lock file is left");
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }

    private static string DigestOf(RunResult copy)
    {
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        return JsonDocument.Parse(copy.Stdout).RootElement.GetProperty("digest").GetString()!;
    }
}
