using S3lo.Core.Storage;

namespace S3lo.Core.Config;

/// <summary>The rules of an image as the bucket's s3lo.yaml gives them, read fresh for each destination opened.</summary>
public sealed class BucketConfigRules : IImageRulesSource
{
    public async Task<EffectiveRules> ResolveAsync(IObjectStore store, string repository, CancellationToken ct) =>
        (await BucketConfigStore.ReadAsync(store, ct).ConfigureAwait(false)).Config.Resolve(repository);
}
