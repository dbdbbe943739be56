namespace S3lo.EndToEnd.Tests;

/// <summary>Leftovers of killed runs are cleared by the next run once a day old: only s3lo's own names, never through a symlink.</summary>
public sealed class StaleTempCleanupTests
{
    private static string Hex() => Guid.NewGuid().ToString("N");

    private static void Age(string path) => Processes.Run("touch", ["-h", "-d", "2 days ago", path]);

    [Test]
    public void OldLeftoversInAStoreGoFreshOnesStay()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var staging = Directory.CreateDirectory(Path.Combine(store.Root, ".s3lo-tmp")).FullName;
        var oldFile = Path.Combine(staging, Hex());
        var freshFile = Path.Combine(staging, Hex());
        var oldDir = Directory.CreateDirectory(Path.Combine(staging, "s3lo-push-" + Hex())).FullName;
        var notOurs = Path.Combine(staging, "notes.txt");
        foreach (var f in new[] { oldFile, freshFile, Path.Combine(oldDir, "layer.tar"), notOurs }) File.WriteAllText(f, "x");
        foreach (var p in new[] { oldFile, oldDir, notOurs }) Age(p);

        var list = S3loBinary.Run("list", store.Url);

        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        Assert.That(File.Exists(oldFile), Is.False, "a day-old write temp is removed");
        Assert.That(Directory.Exists(oldDir), Is.False, "a day-old staging directory is removed");
        Assert.That(File.Exists(freshFile), Is.True, "a fresh one may belong to a running copy");
        Assert.That(File.Exists(notOurs), Is.True, "names s3lo does not make stay");
    }

    [Test]
    public void OldWorkDirectoriesInTheTempDirectoryGoButNotThroughSymlinks()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var tmp = Directory.CreateDirectory(Path.Combine(fixture.Parent, "tmp")).FullName;
        var archive = Path.Combine(fixture.Parent, "image.tar");
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"docker-archive:{archive}:app:1", "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));

        var old = Directory.CreateDirectory(Path.Combine(tmp, "s3lo-archive-" + Hex())).FullName;
        var fresh = Directory.CreateDirectory(Path.Combine(tmp, "s3lo-load-" + Hex())).FullName;
        var other = Directory.CreateDirectory(Path.Combine(tmp, "s3lo-something")).FullName;
        var victim = Directory.CreateDirectory(Path.Combine(fixture.Parent, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "precious"), "x");
        var link = Path.Combine(tmp, "s3lo-push-" + Hex());
        Directory.CreateSymbolicLink(link, victim);
        File.WriteAllText(Path.Combine(old, "layer"), "x");
        foreach (var p in new[] { Path.Combine(old, "layer"), old, other, link }) Age(p);

        var copy = S3loBinary.Run(["copy", $"docker-archive:{archive}:app:1", $"oci:{Path.Combine(fixture.Parent, "layout")}:1"],
            new Dictionary<string, string?> { ["TMPDIR"] = tmp }, null);

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(Directory.Exists(old), Is.False);
        Assert.That(Directory.Exists(fresh), Is.True);
        Assert.That(Directory.Exists(other), Is.True);
        Assert.That(File.Exists(Path.Combine(victim, "precious")), Is.True, "a symlink with our name is not ours: neither it nor its target is touched");
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(victim));
    }

    [Test]
    public void OldTempFilesNextToLayoutsAndArchivesGo()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var layout = Directory.CreateDirectory(Path.Combine(fixture.Parent, "layout")).FullName;
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"oci:{layout}:a", "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));
        var oldBlob = Path.Combine(layout, $".s3lo-blob-{Hex()}.tmp");
        var freshBlob = Path.Combine(layout, $".s3lo-blob-{Hex()}.tmp");
        var oldSpool = Path.Combine(fixture.Parent, $".image.tar.s3lo-{Hex()}.spool");
        var oldArchiveTemp = Path.Combine(fixture.Parent, $".other.tar.s3lo-{Hex()}.tmp");
        foreach (var f in new[] { oldBlob, freshBlob, oldSpool, oldArchiveTemp }) File.WriteAllText(f, "x");
        foreach (var f in new[] { oldBlob, oldSpool, oldArchiveTemp }) Age(f);

        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"oci:{layout}:b", "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"oci-archive:{Path.Combine(fixture.Parent, "image.tar")}:b", "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));

        Assert.That(File.Exists(oldBlob), Is.False);
        Assert.That(File.Exists(freshBlob), Is.True);
        Assert.That(File.Exists(oldSpool), Is.False);
        Assert.That(File.Exists(oldArchiveTemp), Is.False);
    }
}
