using System.Text;
using System.Text.Json.Nodes;
using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Docker.Tests.Support;

/// <summary>
/// Turns a classic save into the OCI-layout tar Docker 25+ writes (Docker 20.10 cannot produce one):
/// blobs/sha256/&lt;hex&gt; for config, layers and manifest, index.json, oci-layout and a docker
/// manifest.json pointing into blobs/. Entries come in Docker's lexical order: blobs first.
/// </summary>
internal static class OciLayoutArchive
{
    public sealed record Result(byte[] Archive, Digest ManifestDigest, IReadOnlyList<Digest> LayerBlobs);

    /// <param name="compress">Layer compression: "none", "gzip" or "zstd".</param>
    /// <param name="nestedIndex">Put an image index between index.json and the manifest, with a second platform whose blobs are absent.</param>
    public static Result FromSaved(SavedImage saved, string compress = "none", bool nestedIndex = false, string repoTag = "example/oci:v1")
    {
        var blobs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        string Add(byte[] bytes)
        {
            var hex = Digest.Compute(bytes).Hex;
            blobs[hex] = bytes;
            return hex;
        }

        var configHex = Add(saved.Config);
        var layerDescriptors = new JsonArray();
        var layerBlobs = new List<Digest>();
        foreach (var layer in saved.Layers)
        {
            var (bytes, mediaType) = compress switch
            {
                "gzip" => (Compress.Gzip(layer), MediaTypes.OciLayerGzip),
                "zstd" => (Compress.Zstd(layer), MediaTypes.OciLayerZstd),
                _ => (layer, MediaTypes.OciLayer),
            };
            var hex = Add(bytes);
            layerBlobs.Add(Digest.Parse("sha256:" + hex));
            layerDescriptors.Add(new JsonObject { ["mediaType"] = mediaType, ["digest"] = "sha256:" + hex, ["size"] = bytes.Length });
        }
        var manifest = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciConfig, ["digest"] = "sha256:" + configHex, ["size"] = saved.Config.Length },
            ["layers"] = layerDescriptors,
        });
        var manifestHex = Add(manifest);
        var annotations = new JsonObject
        {
            ["io.containerd.image.name"] = "docker.io/" + repoTag,
            ["org.opencontainers.image.ref.name"] = repoTag.Split(':')[1],
        };

        JsonObject top;
        if (nestedIndex)
        {
            var missing = "sha256:" + new string('e', 64);
            var index = Json(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciIndex,
                ["manifests"] = new JsonArray
                {
                    // A platform that was never pulled: named, but its blobs are not in the archive.
                    new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = missing, ["size"] = 500, ["platform"] = new JsonObject { ["os"] = "linux", ["architecture"] = "arm64" } },
                    new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:" + manifestHex, ["size"] = manifest.Length, ["platform"] = new JsonObject { ["os"] = "linux", ["architecture"] = "amd64" } },
                },
            });
            var indexHex = Add(index);
            top = new JsonObject { ["mediaType"] = MediaTypes.OciIndex, ["digest"] = "sha256:" + indexHex, ["size"] = index.Length, ["annotations"] = annotations };
        }
        else
        {
            top = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:" + manifestHex, ["size"] = manifest.Length, ["annotations"] = annotations };
        }

        var tar = new TarBuilder().Directory("blobs").Directory("blobs/sha256");
        foreach (var (hex, bytes) in blobs) tar.File("blobs/sha256/" + hex, bytes);
        tar.File("index.json", Json(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray { top } }));
        tar.File("manifest.json", Json(new JsonArray
        {
            new JsonObject
            {
                ["Config"] = "blobs/sha256/" + configHex,
                ["RepoTags"] = new JsonArray { repoTag },
                ["Layers"] = new JsonArray(layerBlobs.Select(d => (JsonNode)JsonValue.Create("blobs/sha256/" + d.Hex)).ToArray()),
            },
        }));
        tar.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        tar.File("repositories", "{}");
        return new Result(tar.ToArray(), Digest.Parse("sha256:" + manifestHex), layerBlobs);
    }

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
