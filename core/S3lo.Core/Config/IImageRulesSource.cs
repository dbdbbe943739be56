using S3lo.Core.Storage;

namespace S3lo.Core.Config;

/// <summary>
/// Where the rules of an image come from (the bucket's s3lo.yaml). Writers ask it before they move a
/// tag; it knows no image format, only the store and the image's name.
/// </summary>
public interface IImageRulesSource
{
    /// <summary>The rules <paramref name="repository"/> has in <paramref name="store"/>, resolved (image, glob, default, built-in).</summary>
    Task<EffectiveRules> ResolveAsync(IObjectStore store, string repository, CancellationToken ct);

    /// <summary>Every image mutable, no lifecycle: what a bucket without s3lo.yaml means.</summary>
    public static readonly IImageRulesSource BuiltIn = new BuiltInRules();

    private sealed class BuiltInRules : IImageRulesSource
    {
        public Task<EffectiveRules> ResolveAsync(IObjectStore store, string repository, CancellationToken ct) =>
            Task.FromResult(EffectiveRules.BuiltIn);
    }
}
