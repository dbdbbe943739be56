using S3lo.Core.Digests;

namespace S3lo.Docker.Engine;

/// <summary>What <c>POST /images/load</c> reported: image IDs for untagged archives, names for tagged ones.</summary>
public sealed record DockerLoadResult(IReadOnlyList<Digest> ImageIds, IReadOnlyList<string> Names);
