using System.Text;
using S3lo.Core.Digests;
using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Archives;

/// <summary>A small image made in memory (no daemon): layer tars and a config naming their diff IDs.</summary>
internal static class SyntheticImages
{
    public static SavedImage Make(string seed, int layers = 3)
    {
        var tars = new List<byte[]>();
        for (var i = 0; i < layers; i++)
            tars.Add(new TarBuilder().File($"data/f{i}.txt", $"{seed} layer {i}\n" + new string('x', 5000 * (i + 1))).ToArray());
        var diffIds = string.Join(',', tars.Select(t => $"\"{Digest.Compute(t)}\""));
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Env\":[\"SEED={seed}\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        return new SavedImage([], config, tars, []);
    }
}
