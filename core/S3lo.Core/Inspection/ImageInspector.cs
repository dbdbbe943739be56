using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Inspection;

/// <summary>Reads a root manifest or index and each platform's config into <see cref="ImageDetails"/>.</summary>
public static class ImageInspector
{
    public static async Task<ImageDetails> InspectAsync(IImageSource source, string reference, CancellationToken ct)
    {
        var root = await source.GetRootAsync(ct).ConfigureAwait(false);
        var platforms = new List<PlatformDetails>();
        var attestations = new List<AttestationDetails>();
        if (root.IsIndex)
        {
            foreach (var descriptor in root.Index!.Manifests)
            {
                if (PlatformSpec.IsAttestation(descriptor))
                {
                    string? target = null;
                    descriptor.Annotations?.TryGetValue("vnd.docker.reference.digest", out target);
                    attestations.Add(new AttestationDetails(descriptor.Digest, target, descriptor.Size));
                    continue;
                }
                var child = await source.GetManifestAsync(descriptor, ct).ConfigureAwait(false);
                if (child.Digest.ToString() != descriptor.Digest)
                    throw new DigestMismatchException($"manifest {descriptor.Digest}", descriptor.Digest, child.Digest.ToString());
                if (child.IsIndex) continue;
                platforms.Add(await DescribeAsync(source, child, descriptor.Platform, ct).ConfigureAwait(false));
            }
        }
        else
        {
            platforms.Add(await DescribeAsync(source, root, null, ct).ConfigureAwait(false));
        }
        return new ImageDetails
        {
            Reference = reference,
            Digest = root.Digest.ToString(),
            MediaType = root.MediaType,
            Type = root.IsIndex ? "index" : "single-arch",
            ManifestSize = root.Size,
            Platforms = platforms,
            Attestations = attestations,
        };
    }

    private static async Task<PlatformDetails> DescribeAsync(IImageSource source, ManifestBlob manifest, Platform? indexPlatform, CancellationToken ct)
    {
        var image = manifest.Manifest!;
        var bytes = await ReadConfigAsync(source, image.Config, ct).ConfigureAwait(false);
        var config = bytes is null ? null : OciJson.ParseConfig(bytes, $"config {image.Config.Digest}");
        var run = bytes is null ? null : RuntimeConfig.Read(bytes);
        var platform = indexPlatform ?? config?.ToPlatform();
        return new PlatformDetails
        {
            Platform = platform?.ToString() ?? "unknown",
            Digest = manifest.Digest.ToString(),
            Os = platform?.Os ?? config?.Os,
            Architecture = platform?.Architecture ?? config?.Architecture,
            Variant = platform?.Variant ?? config?.Variant,
            Created = config?.Created,
            ConfigDigest = image.Config.Digest,
            ConfigMissing = config is null && MediaTypes.IsImageConfig(image.Config.MediaType),
            TotalSize = image.Config.Size + image.Layers.Sum(l => l.Size),
            Layers = image.Layers.Select(l => new LayerDetails(l.Digest, l.Size, l.MediaType)).ToList(),
            Labels = run?.Labels is { Count: > 0 } labels ? labels : null,
            Entrypoint = run?.Entrypoint is { Count: > 0 } entrypoint ? entrypoint : null,
            Cmd = run?.Cmd is { Count: > 0 } cmd ? cmd : null,
            Env = run?.Env is { Count: > 0 } env ? env : null,
            WorkingDir = string.IsNullOrEmpty(run?.WorkingDir) ? null : run.WorkingDir,
        };
    }

    private static async Task<byte[]?> ReadConfigAsync(IImageSource source, Descriptor config, CancellationToken ct)
    {
        if (!MediaTypes.IsImageConfig(config.MediaType) || config.Size > OciJson.MaxDocumentBytes) return null;
        try
        {
            await using var stream = new VerifyingReadStream(await source.OpenBlobAsync(config, ct).ConfigureAwait(false),
                Digest.Parse(config.Digest), config.Size, $"config {config.Digest}");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
