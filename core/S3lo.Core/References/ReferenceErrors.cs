using System.Text;
using S3lo.Core.Errors;

namespace S3lo.Core.References;

/// <summary>
/// Every rejection the reference parser makes, in one place so the wording stays consistent:
/// one line saying what is wrong, a hint saying how to write it.
/// </summary>
internal static class ReferenceErrors
{
    private const string Example = "s3://my-bucket/app:v1";
    private const int MaxShown = 200;

    public static UsageException Empty() =>
        new("reference is empty", $"write SCHEME://BUCKET/IMAGE:TAG, e.g. {Example}");

    public static UsageException Whitespace(string text) =>
        new($"reference '{Show(text)}' contains whitespace or a control character",
            "references never contain spaces, tabs or newlines; check how the argument is quoted");

    public static UsageException NoScheme(string text, string prefixList) =>
        new($"reference '{Show(text)}' has no scheme",
            $"start it with {prefixList}, e.g. {Example}");

    /// <param name="lowercaseIsKnown">True when the scheme in lowercase is one of <paramref name="prefixList"/>.</param>
    public static UsageException UnknownScheme(string text, string scheme, bool lowercaseIsKnown, string prefixList)
    {
        var hint = lowercaseIsKnown
            ? $"schemes are lowercase: write {scheme.ToLowerInvariant()}://"
            : $"valid schemes are {prefixList}";
        return new($"unknown scheme '{Show(scheme)}://' in reference '{Show(text)}'", hint);
    }

    public static UsageException EmptyBucket(string text, string schemePrefix) =>
        new($"reference '{Show(text)}' has an empty bucket name", $"write {schemePrefix}BUCKET/IMAGE:TAG");

    public static UsageException NoBucketOrImage(string text, string schemePrefix) =>
        new($"reference '{Show(text)}' names no image (or no bucket)", $"write {schemePrefix}BUCKET/IMAGE:TAG");

    public static UsageException InvalidBucket(string text, string bucket, string rule, string schemePrefix) =>
        new($"invalid bucket name '{Show(bucket)}' in reference '{Show(text)}': {rule}",
            $"for example {schemePrefix}my-bucket/app:v1");

    public static UsageException EmptyComponent(string text) =>
        new($"reference '{Show(text)}' has an empty path component ('//')", "remove the extra '/'");

    public static UsageException TrailingSlash(string text, string hint) =>
        new($"reference '{Show(text)}' ends with '/' after the image name", hint);

    public static UsageException DotComponent(string text, string component) =>
        new($"reference '{Show(text)}' has a '{component}' path component",
            "a reference can never address a key or file outside its bucket or store: remove '.' and '..' components");

    public static UsageException NoImage(string text, string prefix) =>
        new($"reference '{Show(text)}' names no image", $"write {prefix}IMAGE:TAG");

    public static UsageException NoTagOrDigest(string text, string imageText) =>
        new($"reference '{Show(text)}' has no tag or digest",
            $"write {imageText}:TAG or {imageText}@sha256:DIGEST (there is no implicit :latest)");

    public static UsageException TagAndDigest(string text, string imageText) =>
        new($"reference '{Show(text)}' has both a tag and a digest",
            $"use one of them: {imageText}:TAG or {imageText}@sha256:DIGEST");

    public static UsageException EmptyTag(string text, string imageText) =>
        new($"reference '{Show(text)}' has an empty tag after ':'", $"write {imageText}:TAG");

    public static UsageException InvalidTag(string text, string tag) =>
        new($"invalid tag '{Show(tag)}' in reference '{Show(text)}'",
            "tags are 1-128 letters, digits, '_', '.' and '-', and do not start with '.' or '-'");

    public static UsageException InvalidDigest(string text, string digest) =>
        new($"invalid digest '{Show(digest)}' in reference '{Show(text)}'",
            "a digest is sha256: followed by 64 lowercase hex digits");

    public static UsageException NotLowercase(string text, string component, string fixedText) =>
        new($"image name '{Show(component)}' in reference '{Show(text)}' must be lowercase",
            $"write {fixedText}");

    public static UsageException InvalidNameComponent(string text, string component) =>
        new($"invalid image name component '{Show(component)}' in reference '{Show(text)}'",
            "image names are '/'-separated lowercase letters and digits, joined inside a component by '.', '_', '__' or '-' (e.g. org/my-app)");

    public static UsageException NameTooLong(string text, int length) =>
        new($"image name in reference '{Show(text)}' is {length} characters long; the limit is {ReferenceGrammar.MaxRepositoryLength}",
            "use a shorter image name");

    public static UsageException GlobInImage(string text, string prefix) =>
        new($"reference '{Show(text)}' uses a glob ('*'), which does not name one image",
            $"name one image, e.g. {prefix}app:TAG");

    public static UsageException GlobNotLast(string text) =>
        new($"reference '{Show(text)}' has '*' before the last path component",
            "a glob may only use '*' in its last component, e.g. dev/*");

    public static UsageException TagInBucketTarget(string text, string imageText) =>
        new($"bucket reference '{Show(text)}' cannot have a tag",
            $"write {imageText} (this command acts on a whole bucket or image, not one tag)");

    public static UsageException DigestInBucketTarget(string text, string imageText) =>
        new($"bucket reference '{Show(text)}' cannot have a digest",
            $"write {imageText} (this command acts on a whole bucket or image, not one digest)");

    public static UsageException NoLocalPath(string text) =>
        new($"reference '{Show(text)}' has no store path",
            "write local:///ABS/STORE/IMAGE:TAG or local://./STORE/IMAGE:TAG");

    public static UsageException Backslash(string text) =>
        new($"reference '{Show(text)}' contains '\\'", "local:// paths use '/' as the separator");

    public static UsageException Tilde(string text) =>
        new($"reference '{Show(text)}' starts its path with '~', which is not expanded inside local://",
            "use an absolute path (local:///home/me/store/...) or one relative to the current directory (local://./store/...)");

    public static UsageException NoStoreDirectory(string text) =>
        new($"reference '{Show(text)}' names no store directory",
            "write local:///ABS/STORE/IMAGE:TAG, or local://./STORE/IMAGE:TAG (the first directory after ./ is the store)");

    public static UsageException NoImageAfterStore(string text, string store) =>
        new($"reference '{Show(text)}' names no image after the store directory '{Show(store)}'",
            "the first directory after ./ or ../ is the store: write local://./STORE/IMAGE:TAG");

    public static UsageException BadStoreDirectoryName(string text, string store) =>
        new($"store directory '{Show(store)}' in reference '{Show(text)}' contains ':', '@' or '*'",
            "the first directory after ./ or ../ is the store: write local://./STORE/IMAGE:TAG");

    public static UsageException NoStoreFound(string path, string initDirectory) =>
        new($"no s3lo store found in {Show(path)}", $"run 's3lo init --local {Show(initDirectory)}' first");

    public static UsageException GlobWithoutStore(string text) =>
        new($"no s3lo store found for the glob in '{Show(text)}'",
            "a glob needs an existing store: run 's3lo init --local DIR' first, or fix the store path");

    /// <summary>The text as it may appear in a one-line message: control characters escaped, long input cut.</summary>
    public static string Show(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxShown) + 8);
        foreach (var c in text.Length > MaxShown ? text.AsSpan(0, MaxShown) : text.AsSpan())
        {
            if (char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ')) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (text.Length > MaxShown) sb.Append("...");
        return sb.ToString();
    }
}
