using System.Text;

namespace S3lo.Tests.Shared;

/// <summary>
/// Small real images in the daemon: <c>docker import</c> of a few files (unique content, so the layers
/// are new to the daemon), then <c>docker build</c> (classic builder, COPY only) for more layers.
/// </summary>
public static class TestImages
{
    public const string RepositoryPrefix = "s3lo-docker-test";

    /// <summary>A fresh name under <see cref="RepositoryPrefix"/>, so leftovers of a failed run can be found and removed.</summary>
    public static string NewName(string what) => $"{RepositoryPrefix}/{what}-{Guid.NewGuid().ToString("N")[..10]}:t";

    /// <summary>Deterministic content: half text, half noise, so compression choices show in sizes.</summary>
    public static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (var i = 0; i < length / 2; i++) bytes[i] = (byte)('a' + (i % 26));
        return bytes;
    }

    /// <summary>An image with a base layer and <paramref name="extraLayers"/> COPY layers of <paramref name="layerBytes"/> each, all from <paramref name="seed"/>.</summary>
    public static void Build(string name, int seed, int extraLayers, int layerBytes)
    {
        var baseName = name + "-base";
        DockerCli.Import(baseName, new Dictionary<string, byte[]>
        {
            ["etc/os-release"] = "NAME=s3lo-test\n"u8.ToArray(),
            ["data/base.bin"] = RandomBytes(seed, layerBytes),
        });
        var layers = Enumerable.Range(1, extraLayers).Select(i => ($"/data/layer{i}.bin", RandomBytes(seed * 100 + i, layerBytes))).ToList();
        FinishBuild(name, baseName, layers);
    }

    /// <summary>
    /// A new image of 1 + <paramref name="copyLayers"/> small unique layers, plus one of
    /// <paramref name="bigLayerBytes"/> random bytes (second in order) when asked; returns its name.
    /// </summary>
    public static string Build(string what, int copyLayers, int bigLayerBytes = 0)
    {
        var name = NewName(what);
        var unique = Guid.NewGuid().ToString("N");
        var baseName = name.Replace(":t", "-base:t", StringComparison.Ordinal);
        DockerCli.Import(baseName, new Dictionary<string, byte[]>
        {
            ["etc/s3lo-base.txt"] = Encoding.UTF8.GetBytes($"base {unique}\n"),
            ["hello.txt"] = "hello from s3lo\n"u8.ToArray(),
        });
        var layers = new List<(string, byte[])>();
        for (var i = 1; i <= copyLayers; i++)
        {
            if (i == 1 && bigLayerBytes > 0)
            {
                var random = new byte[bigLayerBytes];
                Random.Shared.NextBytes(random);
                layers.Add(("/data/big.bin", random));
            }
            layers.Add(($"/data/f{i}.txt", Encoding.UTF8.GetBytes($"layer {i} of {unique}\n")));
        }
        FinishBuild(name, baseName, layers);
        return name;
    }

    /// <summary><c>docker save</c> through the CLI, into memory.</summary>
    public static byte[] Save(string name)
    {
        using var dir = new TempDir("save");
        DockerCli.MustRun("save", "-o", dir.File("image.tar"), name);
        return File.ReadAllBytes(dir.File("image.tar"));
    }

    // The base is only untagged: the built image keeps its parent layers.
    private static void FinishBuild(string name, string baseName, IReadOnlyList<(string, byte[])> layers)
    {
        if (layers.Count == 0) DockerCli.MustRun("tag", baseName, name);
        else DockerCli.BuildLayers(name, baseName, layers);
        DockerCli.RemoveImage(baseName);
    }
}
