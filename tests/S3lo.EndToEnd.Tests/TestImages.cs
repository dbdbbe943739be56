namespace S3lo.EndToEnd.Tests;

/// <summary>Deterministic test content, so a test that fails can be re-run on the same bytes.</summary>
public static class TestImages
{
    public static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        // Half text, half noise: compressible enough that compression choices show in sizes.
        for (var i = 0; i < length / 2; i++) bytes[i] = (byte)('a' + (i % 26));
        return bytes;
    }

    /// <summary>An image with a base layer and <paramref name="extraLayers"/> COPY layers of <paramref name="layerBytes"/> each.</summary>
    public static void Build(string name, int seed, int extraLayers, int layerBytes)
    {
        var baseName = name + "-base";
        DockerCli.Import(baseName, new Dictionary<string, byte[]>
        {
            ["etc/os-release"] = "NAME=s3lo-test\n"u8.ToArray(),
            ["data/base.bin"] = RandomBytes(seed, layerBytes),
        });
        if (extraLayers == 0)
        {
            DockerCli.MustRun("tag", baseName, name);
        }
        else
        {
            var layers = Enumerable.Range(1, extraLayers).Select(i => ($"/data/layer{i}.bin", RandomBytes(seed * 100 + i, layerBytes))).ToList();
            DockerCli.BuildLayers(name, baseName, layers);
        }
        DockerCli.RemoveImage(baseName);
    }
}
