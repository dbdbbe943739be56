namespace S3lo.Core.References;

/// <summary>
/// Parses bucket references (SPEC section 1): <c>SCHEME://BUCKET/IMAGE:TAG</c>, <c>…@sha256:HEX</c>, and the
/// bucket-level <c>SCHEME://BUCKET/[IMAGE|GLOB]</c>. Every malformed form is a <see cref="Errors.UsageException"/>
/// raised before any I/O; the only I/O at all is <see cref="ILocalStoreProbe"/> for <c>local://</c> roots.
/// </summary>
public static class ReferenceParser
{
    /// <summary>For commands acting on one image: a tag or digest is required (never an implicit :latest).</summary>
    public static ImageReference ParseImage(string text, ILocalStoreProbe? probe = null)
    {
        var (scheme, restStart) = SplitScheme(text);
        if (scheme == StoreScheme.Local)
            return LocalReferenceResolver.ParseImage(text, restStart, probe ?? FileSystemStoreProbe.Instance);
        var (location, pathStart) = SplitBucket(text, scheme, restStart, forImage: true);
        var image = ImagePathParser.ParseImage(text, location, pathStart);
        CheckBucketName(text, location);
        return image;
    }

    /// <summary>
    /// For bucket-level commands: <c>SCHEME://BUCKET[/]</c>, <c>SCHEME://BUCKET/IMAGE</c> or a glob
    /// (<c>SCHEME://BUCKET/dev/*</c>). Tags and digests are rejected.
    /// </summary>
    public static BucketTarget ParseBucket(string text, ILocalStoreProbe? probe = null)
    {
        var (scheme, restStart) = SplitScheme(text);
        if (scheme == StoreScheme.Local)
            return LocalReferenceResolver.ParseBucket(text, restStart, probe ?? FileSystemStoreProbe.Instance);
        var (location, pathStart) = SplitBucket(text, scheme, restStart, forImage: false);
        var target = ImagePathParser.ParseTarget(text, location, pathStart);
        CheckBucketName(text, location);
        return target;
    }

    /// <summary>True when the text starts with a bucket scheme; anything else is a registry reference.</summary>
    public static bool IsBucketReference(string text) =>
        text is not null && StoreSchemes.All.Any(s => text.StartsWith(StoreSchemes.Prefix(s), StringComparison.Ordinal));

    // Validates the whole text's characters and the scheme; returns where the part after "://" starts.
    private static (StoreScheme Scheme, int RestStart) SplitScheme(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw ReferenceErrors.Empty();
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) throw ReferenceErrors.Whitespace(text);
        }

        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0) throw ReferenceErrors.NoScheme(text);
        var name = text[..separator];
        foreach (var scheme in StoreSchemes.All)
        {
            // Ordinal: "S3://" is not a scheme, so a typo cannot silently pick a backend.
            if (string.Equals(StoreSchemes.Name(scheme), name, StringComparison.Ordinal))
                return (scheme, separator + 3);
        }
        throw ReferenceErrors.UnknownScheme(text, name);
    }

    // Checked after the image part so "s3://b/app" reports the missing tag (the SPEC's own example)
    // rather than the one-letter bucket.
    private static void CheckBucketName(string text, BucketLocation location)
    {
        if (ReferenceGrammar.BucketRuleViolation(location.Scheme, location.Bucket) is { } rule)
            throw ReferenceErrors.InvalidBucket(text, location.Bucket, rule, StoreSchemes.Prefix(location.Scheme));
    }

    // Cloud schemes: BUCKET is everything up to the first '/'; its name rules are checked by CheckBucketName.
    private static (BucketLocation Location, int PathStart) SplitBucket(string text, StoreScheme scheme, int restStart, bool forImage)
    {
        var schemePrefix = StoreSchemes.Prefix(scheme);
        var slash = text.IndexOf('/', restStart);
        var bucket = slash < 0 ? text[restStart..] : text[restStart..slash];
        if (bucket.Length == 0) throw ReferenceErrors.EmptyBucket(text, schemePrefix);
        // "s3://app:v1" is far more likely a missing bucket than a bucket named "app:v1".
        if (forImage && slash < 0 && bucket.AsSpan().IndexOfAny(":@") >= 0)
            throw ReferenceErrors.NoBucketOrImage(text, schemePrefix);
        return (new BucketLocation(scheme, bucket), slash < 0 ? text.Length : slash + 1);
    }
}
