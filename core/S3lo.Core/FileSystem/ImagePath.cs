using S3lo.Core.Errors;

namespace S3lo.Core.FileSystem;

/// <summary>Paths inside an image's filesystem: relative to its root, '/'-separated, "" for the root itself.</summary>
internal static class ImagePath
{
    /// <summary>
    /// A path the user typed, absolute or relative to '/': './' and repeated slashes dropped, '..' applied.
    /// A '..' above the root is refused rather than clamped: the user asked for something outside the image.
    /// </summary>
    public static string FromUser(string text)
    {
        var parts = new List<string>();
        foreach (var part in text.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    throw new UsageException($"'{text}' leaves the image's root", "give a path inside the image, e.g. /etc/os-release");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>A tar entry name or hard link target: './', leading '/' and '..' above the root dropped, as the kernel clamps inside a chroot.</summary>
    public static string Clean(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    public static string Display(string path) => "/" + path;

    public static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Every proper ancestor of a path, the root ("") included, nearest first.</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        while (path.Length > 0)
        {
            path = Parent(path);
            yield return path;
        }
    }
}
