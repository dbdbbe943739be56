using S3lo.Core.Storage;

namespace S3lo.Core.References;

/// <summary>
/// Parses bucket references (README, References): <c>SCHEME://BUCKET/IMAGE:TAG</c>, <c>…@sha256:HEX</c>, and the
/// bucket-level <c>SCHEME://BUCKET/[IMAGE|GLOB]</c>, for the schemes the registered providers own (each
/// checks its own bucket names). Every malformed form is a <see cref="Errors.UsageException"/> raised before
/// any I/O; the only I/O at all is <see cref="ILocalStoreProbe"/> for schemes whose bucket is a path.
/// </summary>
public sealed class BucketReferences
{
    private readonly IObjectStoreProvider[] _providers;

    /// <param name="providers">In the order hints list them (the host registers s3, gs, az, local).</param>
    public BucketReferences(IEnumerable<IObjectStoreProvider> providers)
    {
        _providers = [.. providers];
        Schemes = [.. _providers.Select(p => p.Scheme)];
    }

    /// <summary>The scheme names, in registration order.</summary>
    public IReadOnlyList<string> Schemes { get; }

    /// <summary>For commands acting on one image: a tag or digest is required (never an implicit :latest).</summary>
    public ImageReference ParseImage(string text, ILocalStoreProbe? probe = null)
    {
        var (provider, restStart) = SplitScheme(text);
        if (provider.BucketIsPath)
            return LocalReferenceResolver.ParseImage(text, provider.Scheme, restStart, probe ?? FileSystemStoreProbe.Instance);
        var (location, pathStart) = SplitBucket(text, provider.Scheme, restStart, forImage: true);
        var image = ImagePathParser.ParseImage(text, location, pathStart);
        CheckBucketName(text, provider, location);
        return image;
    }

    /// <summary>
    /// For bucket-level commands: <c>SCHEME://BUCKET[/]</c>, <c>SCHEME://BUCKET/IMAGE</c> or a glob
    /// (<c>SCHEME://BUCKET/dev/*</c>). Tags and digests are rejected.
    /// </summary>
    public BucketTarget ParseBucket(string text, ILocalStoreProbe? probe = null)
    {
        var (provider, restStart) = SplitScheme(text);
        if (provider.BucketIsPath)
            return LocalReferenceResolver.ParseBucket(text, provider.Scheme, restStart, probe ?? FileSystemStoreProbe.Instance);
        var (location, pathStart) = SplitBucket(text, provider.Scheme, restStart, forImage: false);
        var target = ImagePathParser.ParseTarget(text, location, pathStart);
        CheckBucketName(text, provider, location);
        return target;
    }

    /// <summary>"s3://, gs://, az:// or local://", for hints.</summary>
    internal string PrefixList() => Schemes.Count switch
    {
        0 => "a registered scheme",
        1 => Schemes[0] + "://",
        _ => string.Join(", ", Schemes.Take(Schemes.Count - 1).Select(s => s + "://")) + " or " + Schemes[^1] + "://",
    };

    // Validates the whole text's characters and the scheme; returns where the part after "://" starts.
    private (IObjectStoreProvider Provider, int RestStart) SplitScheme(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw ReferenceErrors.Empty();
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) throw ReferenceErrors.Whitespace(text);
        }

        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0) throw ReferenceErrors.NoScheme(text, PrefixList());
        var name = text[..separator];
        foreach (var provider in _providers)
        {
            // Ordinal: "S3://" is not a scheme, so a typo cannot silently pick a backend.
            if (string.Equals(provider.Scheme, name, StringComparison.Ordinal))
                return (provider, separator + 3);
        }
        throw ReferenceErrors.UnknownScheme(text, name, Schemes.Contains(name.ToLowerInvariant()), PrefixList());
    }

    // Checked after the image part so "s3://b/app" reports the missing tag (the README's own example)
    // rather than the one-letter bucket.
    private static void CheckBucketName(string text, IObjectStoreProvider provider, BucketLocation location)
    {
        if (provider.BucketNameProblem(location.Bucket) is { } rule)
            throw ReferenceErrors.InvalidBucket(text, location.Bucket, rule, provider.Scheme + "://");
    }

    // Cloud schemes: BUCKET is everything up to the first '/'; its name rules are checked by CheckBucketName.
    private static (BucketLocation Location, int PathStart) SplitBucket(string text, string scheme, int restStart, bool forImage)
    {
        var schemePrefix = scheme + "://";
        var slash = text.IndexOf('/', restStart);
        var bucket = slash < 0 ? text[restStart..] : text[restStart..slash];
        if (bucket.Length == 0) throw ReferenceErrors.EmptyBucket(text, schemePrefix);
        // "s3://app:v1" is far more likely a missing bucket than a bucket named "app:v1".
        if (forImage && slash < 0 && bucket.AsSpan().IndexOfAny(":@") >= 0)
            throw ReferenceErrors.NoBucketOrImage(text, schemePrefix);
        return (new BucketLocation(scheme, bucket), slash < 0 ? text.Length : slash + 1);
    }
}
