using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

[TestFixture]
public class FileSystemStoreProbeTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "s3lo-ref-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_root, "store", "blobs", "sha256"));
        Directory.CreateDirectory(Path.Combine(_root, "store", "manifests"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void FindsARealStoreByItsBlobsAndManifestsDirectories()
    {
        var store = Path.Combine(_root, "store");

        var image = Schemes.References.ParseImage($"local://{store}/org/app:v1");

        Assert.That(image.Location, Is.EqualTo(new BucketLocation("local", Path.GetFullPath(store))));
        Assert.That(image.Repository, Is.EqualTo("org/app"));
        Assert.That(image.Tag, Is.EqualTo("v1"));
    }

    [Test]
    public void RecognisesAStoreByItsConfigOrByBlobsAndManifestsTogether()
    {
        var probe = FileSystemStoreProbe.Instance;
        var manifestsOnly = Directory.CreateDirectory(Path.Combine(_root, "m", "manifests")).Parent!.FullName;
        var blobsOnly = Directory.CreateDirectory(Path.Combine(_root, "b", "blobs", "sha256")).Parent!.Parent!.FullName;
        var configOnly = Directory.CreateDirectory(Path.Combine(_root, "c")).FullName;
        File.WriteAllText(Path.Combine(configOnly, "s3lo.yaml"), "default: {}\n");

        Assert.That(probe.IsStore(Path.Combine(_root, "store")), Is.True);
        Assert.That(probe.IsStore(configOnly), Is.True);
        Assert.That(probe.IsStore(manifestsOnly), Is.False, "a project folder with a manifests/ of Kubernetes YAML");
        Assert.That(probe.IsStore(blobsOnly), Is.False);
        Assert.That(probe.IsStore(_root), Is.False);
        Assert.That(probe.IsStore(Path.Combine(_root, "missing")), Is.False);
        Assert.That(probe.CurrentDirectory, Is.EqualTo(Directory.GetCurrentDirectory()));
    }

    [Test]
    public void TheV1FixtureIsAStoreWithOrWithoutItsConfig()
    {
        var copy = Path.Combine(_root, "v1");
        Directory.CreateDirectory(Path.Combine(copy, "blobs", "sha256"));
        Directory.CreateDirectory(Path.Combine(copy, "manifests", "alpine"));
        Assert.That(FileSystemStoreProbe.Instance.IsStore(Path.GetFullPath(Support.FixtureStore.Path)), Is.True);
        Assert.That(FileSystemStoreProbe.Instance.IsStore(copy), Is.True, "a v1 store may lack s3lo.yaml");
    }

    [Test]
    public void AProjectFolderWithManifestsIsNotTakenForAStore()
    {
        var project = Path.Combine(_root, "project");
        Directory.CreateDirectory(Path.Combine(project, "manifests"));

        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"local://{project}/app:v1"))!;

        Assert.That(ex.Message, Is.EqualTo($"no s3lo store found in {project}/app"));
    }

    [Test]
    public void MissingRealStoreIsAUsageError()
    {
        var ex = Assert.Throws<UsageException>(() => Schemes.References.ParseImage($"local://{_root}/other/app:v1"))!;

        Assert.That(ex.Message, Does.StartWith("no s3lo store found in "));
        Assert.That(ex.Hint, Does.Contain("s3lo init --local"));
    }
}
