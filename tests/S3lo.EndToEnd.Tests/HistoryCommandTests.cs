using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>history through the published binary: provenance written by push and copy, --all, and s3lo v1 stores.</summary>
[NonParallelizable]
public sealed class HistoryCommandTests
{
    private const string Image = "s3lo-e2e/history:src";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 11, extraLayers: 1, layerBytes: 100_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    [Test]
    public void PushThenCopyRecordWhoWroteEachTagAndFromWhat()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        Assert.That(S3loBinary.Run("copy", store.Ref("app:1"), store.Ref("app:2")).ExitCode, Is.EqualTo(0));
        var digest = JsonDocument.Parse(S3loBinary.Run("inspect", store.Ref("app:1"), "--output", "json").Stdout).RootElement.GetProperty("digest").GetString();

        var r = S3loBinary.Run("history", store.Ref("app"), "--output", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var rows = JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("tag").GetString(), e.GetProperty("by").GetString(), e.GetProperty("source").GetString(), e.GetProperty("digest").GetString()))
            .ToList();
        // Both pushes can fall in one second (history keeps seconds): the order is not what this test checks.
        Assert.That(rows, Is.EquivalentTo(new[] { ("2", "copy", store.Ref("app:1"), digest), ("1", "push", "docker-daemon:" + Image, digest) }));
    }

    [Test]
    public void TheV1FixtureListsAlpineWithItsV1Entry()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("history", store.Ref("alpine"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[]
        {
            "TAG      PUSHED                 SIZE   DIGEST                BY   SOURCE",
            "latest   2026-04-13T13:22:09Z   0 B    sha256:25109184c71b   -    -",
        }));
    }
}
