using S3lo.Core.Errors;

namespace S3lo.Docker.SaveFormat;

/// <summary>Names inside an untrusted tar: normalized to "a/b/c" and never allowed to leave the archive root.</summary>
internal static class ArchivePath
{
    /// <summary>"./a//b/" → "a/b"; absolute names and ".." are refused.</summary>
    public static string Normalize(string name)
    {
        if (name.Length == 0 || name.Contains('\0') || name.Contains('\\') || name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
            throw Unsafe(name);
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") throw Unsafe(name);
            parts.Add(part);
        }
        if (parts.Count == 0) throw Unsafe(name);
        return string.Join('/', parts);
    }

    /// <summary>A symlink's target, relative to the link's directory, as an archive name; escaping the root is refused.</summary>
    public static string ResolveLinkTarget(string linkName, string target)
    {
        if (target.Length == 0 || target.Contains('\0') || target.Contains('\\') || target.StartsWith('/'))
            throw Unsafe(target);
        var parts = new List<string>(linkName.Split('/')[..^1]);
        foreach (var part in target.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) throw Unsafe(target);
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        if (parts.Count == 0) throw Unsafe(target);
        return string.Join('/', parts);
    }

    /// <summary>True for names directly at the archive root.</summary>
    public static bool IsAtRoot(string name) => !name.Contains('/');

    private static S3loException Unsafe(string name) =>
        new($"the image archive holds an unsafe path '{name.ReplaceLineEndings(" ")}' (absolute or leaving the archive)");
}
