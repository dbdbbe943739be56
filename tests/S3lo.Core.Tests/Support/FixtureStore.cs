namespace S3lo.Core.Tests.Support;

/// <summary>
/// The real s3lo v1 store in tests/fixtures/s3lo-v1-store: Docker Hub's multi-arch alpine:latest,
/// with the linux/arm64 layer blob missing on purpose. Its files are read-only: tests copy it.
/// </summary>
internal static class FixtureStore
{
    public const string Repository = "alpine";
    public const string Tag = "latest";
    public const string IndexDigest = "sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659";
    public const string Amd64ManifestDigest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
    public const string Amd64ConfigDigest = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";
    public const string Amd64LayerDigest = "sha256:589002ba0eaed121a1dbf42f6648f29e5be55d5c8a6ee0f8eaa0285cc21ac153";
    public const string Arm64ManifestDigest = "sha256:1529d13528ed05668b2038ffab807ac8633ad6adfe6be8901adda62411f70d29";
    public const string MissingArm64LayerPrefix = "d8ad8cd7";

    private static readonly Lazy<string> LazyPath = new(Locate);

    /// <summary>The fixture in the repository; never write there.</summary>
    public static string Path => LazyPath.Value;

    public static string ManifestPath => System.IO.Path.Combine(Path, "manifests", Repository, Tag, "manifest.json");

    public static string RepositoryRoot => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path)!)!;

    /// <summary>Copies the fixture into <paramref name="destination"/> with writable files.</summary>
    public static string CopyTo(string destination)
    {
        foreach (var dir in Directory.GetDirectories(Path, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(Path, dir)));
        foreach (var file in Directory.GetFiles(Path, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(Path, file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return destination;
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "s3lo.sln")))
            {
                var fixture = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "s3lo-v1-store");
                if (!Directory.Exists(fixture)) throw new DirectoryNotFoundException($"fixture store missing at {fixture}");
                return fixture;
            }
        }
        throw new DirectoryNotFoundException("no s3lo.sln above " + TestContext.CurrentContext.TestDirectory);
    }
}
