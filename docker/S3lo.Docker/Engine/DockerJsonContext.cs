using System.Text.Json.Serialization;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Engine;

/// <summary>Source-generated serialization for every Docker API and docker-archive JSON shape (no reflection under AOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 32)]
[JsonSerializable(typeof(DockerImageInspect))]
[JsonSerializable(typeof(DockerErrorBody))]
[JsonSerializable(typeof(DockerJsonMessage))]
[JsonSerializable(typeof(List<DockerArchiveManifestEntry>))]
[JsonSerializable(typeof(DockerPlatformQuery))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
