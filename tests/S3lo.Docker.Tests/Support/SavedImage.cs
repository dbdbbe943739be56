using System.Formats.Tar;
using System.Text.Json.Nodes;
using S3lo.Core.Digests;

namespace S3lo.Docker.Tests.Support;

/// <summary>A classic docker-archive taken apart in memory (test images are small): config and layer tars in order.</summary>
internal sealed record SavedImage(byte[] Archive, byte[] Config, IReadOnlyList<byte[]> Layers, IReadOnlyList<string> RepoTags)
{
    public Digest ConfigDigest => Digest.Compute(Config);

    public IReadOnlyList<Digest> DiffIds => Layers.Select(l => Digest.Compute(l)).ToList();

    /// <summary>Builds an image (<see cref="TestImages.Build(string, int, int)"/>), saves it and removes it: the daemon then has none of its layers.</summary>
    public static SavedImage BuildAndRemove(string what, int copyLayers, int bigLayerBytes = 0)
    {
        var name = TestImages.Build(what, copyLayers, bigLayerBytes);
        try
        {
            return Parse(TestImages.Save(name));
        }
        finally
        {
            DockerCli.MustRun("rmi", name);
        }
    }

    public static SavedImage Parse(byte[] archive)
    {
        var files = new Dictionary<string, byte[]>();
        var links = new Dictionary<string, string>();
        using (var reader = new TarReader(new MemoryStream(archive)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType == TarEntryType.SymbolicLink)
                    links[entry.Name] = Path.GetFullPath(Path.Combine("/", Path.GetDirectoryName(entry.Name)!, entry.LinkName))[1..];
                else if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    data.CopyTo(copy);
                    files[entry.Name] = copy.ToArray();
                }
            }
        }
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsArray()[0]!;
        byte[] Read(string name) => files.TryGetValue(name, out var b) ? b : files[links[name]];
        var config = Read(manifest["Config"]!.GetValue<string>());
        var layers = manifest["Layers"]!.AsArray().Select(l => Read(l!.GetValue<string>())).ToList();
        var tags = manifest["RepoTags"] is JsonArray t ? t.Select(x => x!.GetValue<string>()).ToList() : [];
        return new SavedImage(archive, config, layers, tags);
    }
}
