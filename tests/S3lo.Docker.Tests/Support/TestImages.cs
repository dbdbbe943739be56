using S3lo.Core.Digests;

namespace S3lo.Docker.Tests.Support;

/// <summary>
/// Makes small real images in the daemon: <c>docker import</c> of a tar of files with unique content
/// (so layers are new to the daemon), then <c>docker build</c> (classic builder, COPY only) for more layers.
/// </summary>
internal static class TestImages
{
    public const string RepositoryPrefix = "s3lo-docker-test";

    public static string NewName(string what) => $"{RepositoryPrefix}/{what}-{Guid.NewGuid().ToString("N")[..10]}:t";

    /// <summary>An image of 1 + <paramref name="copyLayers"/> layers, plus one of <paramref name="bigLayerBytes"/> random bytes (second in order) when asked.</summary>
    public static string Build(string what, int copyLayers, int bigLayerBytes = 0)
    {
        var name = NewName(what);
        var unique = Guid.NewGuid().ToString("N");
        using var dir = new TempDirectory();
        var baseTar = new TarBuilder()
            .Directory("etc")
            .File("etc/s3lo-base.txt", $"base {unique}\n")
            .File("hello.txt", "hello from s3lo\n")
            .ToArray();
        File.WriteAllBytes(dir.File("base.tar"), baseTar);
        var baseName = name.Replace(":t", "-base:t", StringComparison.Ordinal);
        DockerCli.Run("import", dir.File("base.tar"), baseName);
        if (copyLayers == 0)
        {
            DockerCli.Run("tag", baseName, name);
            DockerCli.Run("rmi", baseName);
            return name;
        }
        var dockerfile = new List<string> { $"FROM {baseName}" };
        for (var i = 1; i <= copyLayers; i++)
        {
            var content = $"layer {i} of {unique}\n";
            if (i == 1 && bigLayerBytes > 0)
            {
                var random = new byte[bigLayerBytes];
                Random.Shared.NextBytes(random);
                File.WriteAllBytes(dir.File("big.bin"), random);
                dockerfile.Add("COPY big.bin /data/big.bin");
            }
            File.WriteAllText(dir.File($"f{i}.txt"), content);
            dockerfile.Add($"COPY f{i}.txt /data/f{i}.txt");
        }
        File.WriteAllLines(dir.File("Dockerfile"), dockerfile);
        DockerCli.RunIn(dir.Path, "build", "-q", "-t", name, ".");
        DockerCli.Run("rmi", baseName); // untags only: the built image keeps its parent layers
        return name;
    }

    /// <summary>The image's ID (its config digest).</summary>
    public static Digest Id(string name) => Digest.Parse(DockerCli.Run("image", "inspect", "--format", "{{.Id}}", name));

    /// <summary>The diff IDs as <c>docker inspect</c> reports them.</summary>
    public static IReadOnlyList<string> DiffIds(string name) =>
        DockerCli.Run("image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", name)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>docker save</c> through the CLI, into memory.</summary>
    public static byte[] Save(string name)
    {
        using var dir = new TempDirectory();
        DockerCli.Run("save", "-o", dir.File("image.tar"), name);
        return File.ReadAllBytes(dir.File("image.tar"));
    }

    /// <summary>Builds an image, saves it and removes it: the daemon then has none of its layers.</summary>
    public static SavedImage BuildSavedAndRemoved(string what, int copyLayers, int bigLayerBytes = 0)
    {
        var name = Build(what, copyLayers, bigLayerBytes);
        try
        {
            return SavedImage.Parse(Save(name));
        }
        finally
        {
            DockerCli.Run("rmi", name);
        }
    }
}
