namespace S3lo.EndToEnd.Tests;

/// <summary>Local stores shared with others or unpacked from elsewhere: what s3lo takes for a store, and symlinks inside one.</summary>
public sealed class LocalStoreSafetyTests
{
    [Test]
    public void AProjectFolderWithOnlyManifestsIsNotAStore()
    {
        using var temp = new TempStore(initialize: false);
        var project = Path.Combine(temp.Parent, "project");
        Directory.CreateDirectory(Path.Combine(project, "manifests"));
        File.WriteAllText(Path.Combine(project, "manifests", "deployment.yaml"), "kind: Deployment\n");
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);

        var absolute = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"local://{project}/app:1", "--platform", "linux/amd64");
        Assert.That(absolute.ExitCode, Is.EqualTo(2), absolute.ToString);
        Assert.That(absolute.StderrLines[0], Is.EqualTo($"error: no s3lo store found in {project}/app"));

        var dotted = S3loBinary.Run(["copy", fixture.Ref("alpine:latest"), "local://./project/app:1", "--platform", "linux/amd64"], null, temp.Parent);
        Assert.That(dotted.ExitCode, Is.EqualTo(2), dotted.ToString);
        Assert.That(dotted.StderrLines[0], Does.StartWith($"error: {project} is not an s3lo store"));
        Assert.That(dotted.StderrLines[1], Does.StartWith("hint: run 's3lo init --local"));

        var list = S3loBinary.Run("list", $"local://{project}/");
        Assert.That(list.ExitCode, Is.EqualTo(2), list.ToString);
        Assert.That(Directory.GetFileSystemEntries(project).Select(Path.GetFileName), Is.EqualTo(new[] { "manifests" }), "nothing written into the project");
    }

    [Test]
    public void AV1StoreWithoutItsConfigFileStillOpens()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        File.Delete(Path.Combine(store.Root, "s3lo.yaml"));
        var list = S3loBinary.Run("list", store.Url);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        Assert.That(list.StdoutLines, Is.EqualTo(new[] { "alpine:latest" }));
    }

    [Test]
    public void DeleteWorksInAStoreThatNeverHadATempDirectory()
    {
        // A v1 store (or one restored from a backup) has no .s3lo-tmp/: delete's lock must create it.
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        Assert.That(Directory.Exists(Path.Combine(store.Root, ".s3lo-tmp")), Is.False, "the fixture has no temp directory");

        var delete = S3loBinary.Run("delete", store.Ref("alpine:latest"));

        Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        Assert.That(File.Exists(Path.Combine(store.Root, "manifests", "alpine", "latest", "manifest.json")), Is.False);
        Assert.That(S3loBinary.Run("list", store.Url).Stdout, Is.Empty);
    }

    [Test]
    public void ASymlinkedManifestIsRefusedNotRead()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var manifest = Path.Combine(store.Root, "manifests", "alpine", "latest", "manifest.json");
        var outside = Path.Combine(store.Parent, "outside.json");
        File.Move(manifest, outside);
        File.CreateSymbolicLink(manifest, outside);

        var inspect = S3loBinary.Run("inspect", store.Ref("alpine:latest"));
        Assert.That(inspect.ExitCode, Is.EqualTo(1), inspect.ToString);
        Assert.That(inspect.StderrLines[0], Is.EqualTo(
            $"error: manifests/alpine/latest/manifest.json in the local store {store.Root} is a symlink (to {outside}); s3lo follows no symlinks inside a store, so 'manifests/alpine/latest/manifest.json' was not touched"));
        Assert.That(inspect.StderrLines, Has.Length.EqualTo(2));
    }

    [Test]
    public void NothingIsWrittenThroughASymlinkedDirectoryAndListingsSkipIt()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var store = new TempStore();
        var outside = Path.Combine(store.Parent, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(Path.Combine(store.Root, "manifests"));
        Directory.CreateSymbolicLink(Path.Combine(store.Root, "manifests", "evil"), outside);

        var copy = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), store.Ref("evil:1"), "--platform", "linux/amd64");
        Assert.That(copy.ExitCode, Is.EqualTo(1), copy.ToString);
        Assert.That(copy.StderrLines[0], Does.StartWith($"error: manifests/evil in the local store {store.Root} is a symlink (to {outside})"));
        Assert.That(Directory.GetFileSystemEntries(outside), Is.Empty, "nothing written outside the store");

        // A tag written the normal way next to it lists; the link's contents never do.
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), store.Ref("good:1"), "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));
        Directory.CreateDirectory(Path.Combine(outside, "app", "1"));
        File.Copy(Path.Combine(store.Root, "manifests", "good", "1", "manifest.json"), Path.Combine(outside, "app", "1", "manifest.json"));
        var list = S3loBinary.Run("list", store.Url);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        Assert.That(list.StdoutLines, Is.EqualTo(new[] { "good:1" }));
    }

    [Test]
    public void AStagingDirectoryThatIsASymlinkIsRefused()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var store = new TempStore();
        var outside = Path.Combine(store.Parent, "outside");
        Directory.CreateDirectory(outside);
        var staging = Path.Combine(store.Root, ".s3lo-tmp");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateSymbolicLink(staging, outside);

        var copy = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), store.Ref("app:1"), "--platform", "linux/amd64");
        Assert.That(copy.ExitCode, Is.EqualTo(1), copy.ToString);
        Assert.That(copy.StderrLines[0], Does.StartWith($"error: .s3lo-tmp in the local store {store.Root} is a symlink"));
        Assert.That(Directory.GetFileSystemEntries(outside), Is.Empty);
    }
}
