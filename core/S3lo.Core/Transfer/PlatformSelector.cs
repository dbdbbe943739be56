using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// Walks a root manifest or index into the images a transfer moves: all of them with the index
/// kept whole, or the one matching <see cref="TransferOptions.Platform"/> as a single-arch root.
/// </summary>
internal sealed class PlatformSelector(IImageSource source, TransferOptions options)
{
    private const int MaxIndexDepth = 4;

    public async Task<Selection> SelectAsync(ManifestBlob root, CancellationToken ct)
    {
        if (options.Platform is { } wanted) return await SelectOneAsync(root, wanted, 0, ct).ConfigureAwait(false);

        if (!root.IsIndex)
        {
            var platform = await ReadPlatformAsync(root, ct).ConfigureAwait(false);
            return new Selection(root, [new PlannedImage(root, platform, false)], [], Names(platform));
        }
        var images = new List<PlannedImage>();
        var children = new List<ManifestBlob>();
        await WalkIndexAsync(root, images, children, 0, ct).ConfigureAwait(false);
        var names = root.Index!.Manifests.Where(d => !PlatformSpec.IsAttestation(d) && d.Platform is not null)
            .Select(d => d.Platform!.ToString()).Distinct().ToList();
        return new Selection(root, images, children, names);
    }

    private async Task<Selection> SelectOneAsync(ManifestBlob root, PlatformSpec wanted, int depth, CancellationToken ct)
    {
        if (!root.IsIndex)
        {
            var platform = await ReadPlatformAsync(root, ct).ConfigureAwait(false);
            if (platform is not null && !wanted.Matches(platform))
            {
                if (options.PlatformIsExplicit)
                    throw new S3loException($"{source.Name} is a single-platform image for {platform}, not {wanted}",
                        $"available platforms: {platform}");
                options.Observer.Message($"warning: {source.Name} is {platform} only; this machine runs {wanted}");
            }
            return new Selection(root, [new PlannedImage(root, platform, false)], [], Names(platform));
        }

        var candidates = root.Index!.Manifests.Where(d => !PlatformSpec.IsAttestation(d) && d.Platform is not null).ToList();
        var match = candidates.FirstOrDefault(d => wanted.Matches(d.Platform!))
            ?? throw new S3loException($"{source.Name} has no image for {wanted}",
                $"available platforms: {string.Join(", ", candidates.Select(d => d.Platform!.ToString()).Distinct())}");
        var child = await GetVerifiedManifestAsync(match, ct).ConfigureAwait(false);
        if (child.IsIndex)
        {
            if (depth >= MaxIndexDepth) throw new S3loException($"{source.Name}: indexes nested deeper than {MaxIndexDepth} levels");
            return await SelectOneAsync(child, wanted, depth + 1, ct).ConfigureAwait(false);
        }
        return new Selection(child, [new PlannedImage(child, match.Platform, false)], [], [match.Platform!.ToString()]);
    }

    private async Task WalkIndexAsync(ManifestBlob index, List<PlannedImage> images, List<ManifestBlob> children, int depth, CancellationToken ct)
    {
        if (depth >= MaxIndexDepth) throw new S3loException($"{source.Name}: indexes nested deeper than {MaxIndexDepth} levels");
        foreach (var descriptor in index.Index!.Manifests)
        {
            var child = await GetVerifiedManifestAsync(descriptor, ct).ConfigureAwait(false);
            if (child.IsIndex) await WalkIndexAsync(child, images, children, depth + 1, ct).ConfigureAwait(false);
            else images.Add(new PlannedImage(child, descriptor.Platform, PlatformSpec.IsAttestation(descriptor)));
            // After its own children: a nested index is stored only once what it names is there.
            children.Add(child);
        }
    }

    private async Task<ManifestBlob> GetVerifiedManifestAsync(Descriptor descriptor, CancellationToken ct)
    {
        var manifest = await source.GetManifestAsync(descriptor, ct).ConfigureAwait(false);
        if (manifest.Digest.ToString() != descriptor.Digest)
            throw new DigestMismatchException($"manifest {descriptor.Digest} from {source.Name}", descriptor.Digest, manifest.Digest.ToString());
        return manifest;
    }

    /// <summary>A single manifest's platform comes from its config (small; read once, verified).</summary>
    private async Task<Platform?> ReadPlatformAsync(ManifestBlob manifest, CancellationToken ct)
    {
        var config = await ConfigBlob.ReadAsync(source, manifest.Manifest!.Config, ct).ConfigureAwait(false);
        return config is null || string.IsNullOrEmpty(config.Os) ? null : config.ToPlatform();
    }

    private static List<string> Names(Platform? platform) => platform is null ? [] : [platform.ToString()];

    /// <param name="ChildManifests">Manifests the root references, to store before the root.</param>
    public sealed record Selection(ManifestBlob Root, IReadOnlyList<PlannedImage> Images, IReadOnlyList<ManifestBlob> ChildManifests, IReadOnlyList<string> PlatformNames);
}
