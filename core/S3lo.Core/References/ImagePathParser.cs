using S3lo.Core.Digests;

namespace S3lo.Core.References;

/// <summary>
/// Parses the part of a reference after the bucket or store root (<c>org/app:tag</c>,
/// <c>org/app@sha256:...</c>, <c>dev/*</c>). Messages always quote the whole reference.
/// </summary>
internal static class ImagePathParser
{
    /// <summary>An image reference: the path must name an image and exactly one of a tag or digest.</summary>
    public static ImageReference ParseImage(string text, BucketLocation location, int pathStart)
    {
        var prefix = HintPrefix(text, pathStart);
        var (name, tag, digestText) = Split(text[pathStart..]);
        if (name.Length == 0) throw ReferenceErrors.NoImage(text, prefix);
        CheckRepository(text, prefix, name, SuffixOf(tag, digestText), allowGlob: false);

        if (tag is not null && digestText is not null) throw ReferenceErrors.TagAndDigest(text, prefix + name);
        if (tag is not null) CheckTag(text, prefix + name, tag);
        Digest? digest = digestText is null ? null : ParseDigest(text, digestText);
        if (tag is null && digest is null) throw ReferenceErrors.NoTagOrDigest(text, prefix + name);
        return new ImageReference(location, name, tag, digest);
    }

    /// <summary>A bucket-level target: empty path = the whole store; no tag or digest; a glob allowed last.</summary>
    public static BucketTarget ParseTarget(string text, BucketLocation location, int pathStart)
    {
        var prefix = HintPrefix(text, pathStart);
        var path = text[pathStart..];
        if (path.Length == 0) return new BucketTarget(location, null);

        var (name, tag, digestText) = Split(path);
        if (name.Length == 0) throw ReferenceErrors.NoImage(text, prefix);
        CheckRepository(text, prefix, name, SuffixOf(tag, digestText), allowGlob: true);
        if (digestText is not null) throw ReferenceErrors.DigestInBucketTarget(text, prefix + name);
        if (tag is not null) throw ReferenceErrors.TagInBucketTarget(text, prefix + name);
        return new BucketTarget(location, name);
    }

    /// <summary>
    /// "a/b:t@d" → ("a/b", "t", "d"). The digest starts at the first '@' of the last component; the tag
    /// separator is the last ':' after the last '/', so ':' in earlier components stays in the name.
    /// </summary>
    private static (string Name, string? Tag, string? Digest) Split(string path)
    {
        string? digest = null;
        var at = path.IndexOf('@', path.LastIndexOf('/') + 1);
        if (at >= 0)
        {
            digest = path[(at + 1)..];
            path = path[..at];
        }
        string? tag = null;
        var colon = path.LastIndexOf(':');
        if (colon > path.LastIndexOf('/'))
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
        }
        return (path, tag, digest);
    }

    private static void CheckRepository(string text, string prefix, string name, string suffix, bool allowGlob)
    {
        var components = name.Split('/');
        // Safety first: these are the forms that could escape the bucket or store.
        for (var i = 0; i < components.Length; i++)
        {
            var c = components[i];
            if (c.Length == 0)
            {
                if (i == components.Length - 1 && i > 0)
                {
                    // For bucket targets "dev/" is ambiguous between the image "dev" and everything under dev/.
                    var bare = prefix + name.TrimEnd('/');
                    throw ReferenceErrors.TrailingSlash(text, allowGlob
                        ? $"write {bare}, or {bare}/* for every image under it"
                        : $"write {bare}{suffix}");
                }
                throw ReferenceErrors.EmptyComponent(text);
            }
            if (c is "." or "..") throw ReferenceErrors.DotComponent(text, c);
        }

        for (var i = 0; i < components.Length; i++)
        {
            var c = components[i];
            var last = i == components.Length - 1;
            if (c.Contains('*', StringComparison.Ordinal))
            {
                if (!allowGlob) throw ReferenceErrors.GlobInImage(text, prefix);
                if (!last) throw ReferenceErrors.GlobNotLast(text);
            }
            var valid = allowGlob && last ? ReferenceGrammar.IsGlobComponent(c) : ReferenceGrammar.IsNameComponent(c);
            if (valid) continue;
            if (c.Any(char.IsAsciiLetterUpper))
                throw ReferenceErrors.NotLowercase(text, c, prefix + name.ToLowerInvariant() + suffix);
            throw ReferenceErrors.InvalidNameComponent(text, c);
        }

        if (name.Length > ReferenceGrammar.MaxRepositoryLength) throw ReferenceErrors.NameTooLong(text, name.Length);
    }

    private static void CheckTag(string text, string imageText, string tag)
    {
        if (tag.Length == 0) throw ReferenceErrors.EmptyTag(text, imageText);
        if (!ReferenceGrammar.IsTag(tag)) throw ReferenceErrors.InvalidTag(text, tag);
    }

    private static Digest ParseDigest(string text, string digestText) =>
        Digest.TryParse(digestText, out var digest) ? digest : throw ReferenceErrors.InvalidDigest(text, digestText);

    private static string SuffixOf(string? tag, string? digest) =>
        (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);

    // The reference up to the image, always ending in '/', for "write ..." hints.
    private static string HintPrefix(string text, int pathStart)
    {
        var prefix = text[..pathStart];
        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }
}
