using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci:DIR[:TAG]</c>, <c>oci-archive:FILE[:TAG]</c> or <c>docker-archive:FILE[:NAME:TAG]</c>. Paths may
/// hold ':' themselves, so the suffix is split off at a ':' only when it is a valid tag (or NAME:TAG), and
/// not when the whole text names an existing path while the part before the ':' does not.
/// </summary>
/// <param name="Tag">oci/oci-archive: the <c>org.opencontainers.image.ref.name</c>; docker-archive: the tag of <paramref name="ImageName"/>.</param>
/// <param name="ImageName">docker-archive only: the image name RepoTags get (with <paramref name="Tag"/>).</param>
public sealed record ArchiveReference(ArchiveKind Kind, string Path, string? Tag, string? ImageName)
{
    public const string OciPrefix = "oci:";
    public const string OciArchivePrefix = "oci-archive:";
    public const string DockerArchivePrefix = "docker-archive:";

    /// <summary>docker-archive: <c>NAME:TAG</c> for RepoTags; null when no name was given.</summary>
    public string? RepoTag => ImageName is null ? null : $"{ImageName}:{Tag}";

    public string Prefix => Kind switch
    {
        ArchiveKind.OciLayout => OciPrefix,
        ArchiveKind.OciArchive => OciArchivePrefix,
        _ => DockerArchivePrefix,
    };

    public override string ToString() => Kind == ArchiveKind.DockerArchive
        ? Prefix + Path + (RepoTag is null ? "" : ":" + RepoTag)
        : Prefix + Path + (Tag is null ? "" : ":" + Tag);

    /// <param name="pathExists">Whether a file or directory exists (tests replace it); defaults to the file system.</param>
    public static ArchiveReference Parse(string text, Func<string, bool>? pathExists = null)
    {
        pathExists ??= static p => File.Exists(p) || Directory.Exists(p);
        if (text.StartsWith(OciArchivePrefix, StringComparison.Ordinal))
            return ParseTagged(ArchiveKind.OciArchive, text, text[OciArchivePrefix.Length..], "FILE", pathExists);
        if (text.StartsWith(OciPrefix, StringComparison.Ordinal))
            return ParseTagged(ArchiveKind.OciLayout, text, text[OciPrefix.Length..], "DIR", pathExists);
        if (text.StartsWith(DockerArchivePrefix, StringComparison.Ordinal))
            return ParseDocker(text, text[DockerArchivePrefix.Length..], pathExists);
        throw new UsageException($"'{Printable(text)}' is not an archive reference",
            "write oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]");
    }

    private static ArchiveReference ParseTagged(ArchiveKind kind, string text, string rest, string what, Func<string, bool> exists)
    {
        var prefix = kind == ArchiveKind.OciLayout ? OciPrefix : OciArchivePrefix;
        var colon = rest.LastIndexOf(':');
        if (colon > 0 && colon == rest.Length - 1)
            throw new UsageException($"'{Printable(text)}' ends with ':' but gives no tag", $"write it as {prefix}{what}[:TAG]");
        if (colon >= 0 && !IsDriveColon(rest, colon))
        {
            var path = rest[..colon];
            var tag = rest[(colon + 1)..];
            if (ReferenceGrammar.IsTag(tag) && path.Length > 0 && (exists(path) || !exists(rest)))
                return new ArchiveReference(kind, path, tag, null);
            if (!ReferenceGrammar.IsTag(tag) && path.Length > 0 && exists(path) && !exists(rest))
                throw new UsageException($"invalid tag '{Printable(tag)}' in '{Printable(text)}'",
                    $"tags are up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-': {prefix}{Printable(path)}:TAG");
        }
        if (rest.Length == 0 || (colon == 0 && rest.Length > 0 && !exists(rest)))
            throw new UsageException($"'{Printable(text)}' names no {(kind == ArchiveKind.OciLayout ? "directory" : "file")}",
                $"write it as {prefix}{what}[:TAG], e.g. {prefix}{(kind == ArchiveKind.OciLayout ? "./layout" : "./image.tar")}:v1");
        return new ArchiveReference(kind, rest, null, null);
    }

    private static ArchiveReference ParseDocker(string text, string rest, Func<string, bool> exists)
    {
        const string hint = "write it as docker-archive:FILE or docker-archive:FILE:NAME:TAG, e.g. docker-archive:./app.tar:app:v1";
        if (rest.Length == 0 || rest[0] == ':')
            throw new UsageException($"'{Printable(text)}' names no file", hint);
        if (exists(rest)) return new ArchiveReference(ArchiveKind.DockerArchive, rest, null, null);
        // Leftmost split whose right side is NAME:TAG; one whose left side exists wins over it.
        (string Path, string Name, string Tag)? first = null;
        for (var i = rest.IndexOf(':'); i > 0; i = rest.IndexOf(':', i + 1))
        {
            if (IsDriveColon(rest, i)) continue;
            if (TrySplitNameTag(rest[(i + 1)..], out var name, out var tag))
            {
                var candidate = (rest[..i], name, tag);
                if (exists(candidate.Item1)) return new ArchiveReference(ArchiveKind.DockerArchive, candidate.Item1, tag, name);
                first ??= candidate;
            }
        }
        if (first is { } split) return new ArchiveReference(ArchiveKind.DockerArchive, split.Path, split.Tag, split.Name);
        for (var i = rest.IndexOf(':'); i > 0; i = rest.IndexOf(':', i + 1))
        {
            if (!IsDriveColon(rest, i) && IsImageName(rest[(i + 1)..]))
                throw new UsageException($"'{Printable(text)}' names an image without a tag", hint);
        }
        return new ArchiveReference(ArchiveKind.DockerArchive, rest, null, null);
    }

    private static bool TrySplitNameTag(string text, out string name, out string tag)
    {
        name = tag = "";
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        name = text[..colon];
        tag = text[(colon + 1)..];
        return ReferenceGrammar.IsTag(tag) && IsImageName(name);
    }

    /// <summary>Docker's name grammar: an optional registry host[:port] then lowercase path components.</summary>
    private static bool IsImageName(string name)
    {
        var parts = name.Split('/');
        var start = 0;
        if (parts.Length > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost"))
        {
            if (!IsHost(parts[0])) return false;
            start = 1;
        }
        return name.Length <= ReferenceGrammar.MaxRepositoryLength && parts.Skip(start).All(ReferenceGrammar.IsNameComponent);
    }

    private static bool IsHost(string host)
    {
        var colon = host.IndexOf(':');
        var name = colon < 0 ? host : host[..colon];
        if (colon >= 0 && (colon == host.Length - 1 || !host[(colon + 1)..].All(char.IsAsciiDigit))) return false;
        return name.Length > 0 && name.Split('.').All(l => l.Length > 0 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    // "C:\dir" and "C:/dir" on Windows: that colon belongs to the path.
    private static bool IsDriveColon(string text, int colon) =>
        OperatingSystem.IsWindows() && colon == 1 && char.IsAsciiLetter(text[0]);

    internal static string Printable(string text) =>
        string.Create(Math.Min(text.Length, 200), text, static (span, t) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = char.IsControl(t[i]) ? '?' : t[i];
        });
}
