namespace S3lo.Core.References;

/// <summary>
/// Splits the path of a scheme whose bucket is a directory (<c>local://</c>) into the store root and the image
/// part. Two forms, as in s3lo v1:
/// <c>./STORE/IMAGE</c> (or <c>../</c>…) where the first directory after the leading dots is the store, and
/// absolute or plain paths where the store is the longest prefix the probe recognises as a store.
/// </summary>
internal static class LocalReferenceResolver
{
    public static ImageReference ParseImage(string text, string scheme, int restStart, ILocalStoreProbe probe)
    {
        var (location, pathStart) = Resolve(text, scheme, restStart, probe, forImage: true);
        return ImagePathParser.ParseImage(text, location, pathStart);
    }

    public static BucketTarget ParseBucket(string text, string scheme, int restStart, ILocalStoreProbe probe)
    {
        var (location, pathStart) = Resolve(text, scheme, restStart, probe, forImage: false);
        return ImagePathParser.ParseTarget(text, location, pathStart);
    }

    private static (BucketLocation Location, int PathStart) Resolve(string text, string scheme, int restStart, ILocalStoreProbe probe, bool forImage)
    {
        var rest = text[restStart..];
        if (rest.Length == 0 || rest == "/") throw ReferenceErrors.NoLocalPath(text);
        // On Windows '\' would be a second separator that the component checks below do not see.
        if (rest.Contains('\\', StringComparison.Ordinal)) throw ReferenceErrors.Backslash(text);

        var segments = rest.Split('/');
        var offsets = new int[segments.Length + 1]; // where each segment starts in text
        offsets[0] = restStart;
        for (var i = 0; i < segments.Length; i++)
            offsets[i + 1] = Math.Min(text.Length, offsets[i] + segments[i].Length + 1);

        return segments[0] is "." or ".."
            ? ResolveDotted(text, scheme, segments, offsets, probe, forImage)
            : ResolveProbed(text, scheme, segments, offsets, probe, forImage);
    }

    private static (BucketLocation, int) ResolveDotted(string text, string scheme, string[] segments, int[] offsets, ILocalStoreProbe probe, bool forImage)
    {
        var k = 0;
        while (k < segments.Length && segments[k] is "." or "..") k++;
        if (k == segments.Length || (segments[k].Length == 0 && k == segments.Length - 1))
            throw ReferenceErrors.NoStoreDirectory(text);
        if (segments[k].Length == 0) throw ReferenceErrors.EmptyComponent(text);

        var store = segments[k];
        if (forImage && k == segments.Length - 1) throw ReferenceErrors.NoImageAfterStore(text, store);
        if (store.AsSpan().IndexOfAny(":@*") >= 0) throw ReferenceErrors.BadStoreDirectoryName(text, store);

        var root = Path.GetFullPath(string.Join('/', segments[..(k + 1)]), probe.CurrentDirectory);
        return (Location(scheme, root), offsets[k + 1]);
    }

    private static (BucketLocation, int) ResolveProbed(string text, string scheme, string[] segments, int[] offsets, ILocalStoreProbe probe, bool forImage)
    {
        var absolute = segments[0].Length == 0;
        var first = absolute ? 1 : 0;
        if (!absolute && segments[0] == "~") throw ReferenceErrors.Tilde(text);

        // A trailing '/' on a bucket target may just end the store path ("local:///abs/store/").
        var end = segments.Length;
        if (!forImage && segments[^1].Length == 0) end--;
        for (var j = first; j < end; j++)
        {
            if (segments[j].Length == 0) throw ReferenceErrors.EmptyComponent(text);
            if (segments[j] is "." or "..") throw ReferenceErrors.DotComponent(text, segments[j]);
        }
        var count = end - first;

        string cwd = absolute ? "/" : probe.CurrentDirectory;
        string Dir(int n) => Path.GetFullPath(string.Join('/', segments[first..(first + n)]), cwd);

        if (forImage)
        {
            if (count < 2) throw ReferenceErrors.NoStoreDirectory(text);
            // The last segment is always part of the image: reject a malformed one before touching the disk.
            ImagePathParser.ParseImage(text, new BucketLocation(scheme, "/"), offsets[end - 1]);
            for (var n = count - 1; n >= 1; n--)
            {
                var dir = Dir(n);
                if (probe.IsStore(dir)) return (Location(scheme, dir), offsets[first + n]);
            }
            var parent = Dir(count - 1);
            throw ReferenceErrors.NoStoreFound(Path.Join(parent, NameOnly(segments[end - 1])), parent);
        }

        for (var n = count; n >= 1; n--)
        {
            var dir = Dir(n);
            if (probe.IsStore(dir)) return (Location(scheme, dir), offsets[first + n]);
        }

        // No store anywhere: the whole path is the root (init creates it, list reports it missing),
        // unless it carries what only makes sense inside an existing store.
        if (segments[first..end].Any(s => s.Contains('*', StringComparison.Ordinal)))
            throw ReferenceErrors.GlobWithoutStore(text);
        var last = segments[end - 1];
        var imageText = text[..offsets[end - 1]] + NameOnly(last);
        if (last.Contains('@', StringComparison.Ordinal)) throw ReferenceErrors.DigestInBucketTarget(text, imageText);
        if (last.Contains(':', StringComparison.Ordinal)) throw ReferenceErrors.TagInBucketTarget(text, imageText);
        return (Location(scheme, Dir(count)), text.Length);
    }

    // "app:v1" / "app@sha256:..." → "app".
    private static string NameOnly(string segment)
    {
        var at = segment.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) segment = segment[..at];
        var colon = segment.LastIndexOf(':');
        return colon >= 0 ? segment[..colon] : segment;
    }

    private static BucketLocation Location(string scheme, string root) =>
        new(scheme, Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
}
