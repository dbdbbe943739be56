using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Cli.Commands;

/// <summary>
/// Reads <c>clean --keep-digests FILE</c>: one digest a line, as a cluster reports the images it runs
/// (<c>sha256:…</c> alone or after <c>NAME@</c>); blank lines and <c>#</c> comments are skipped.
/// </summary>
public static class KeepDigestsFile
{
    public static IReadOnlySet<string> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--keep-digests: cannot read '{path}': {e.Message}");
        }
        var digests = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var at = line.LastIndexOf('@');
            var text = at >= 0 ? line[(at + 1)..] : line;
            if (!Digest.TryParse(text, out var digest))
                throw new UsageException($"--keep-digests {path} line {i + 1}: '{line}' is not a digest",
                    "write one sha256:<64 hex> per line (or NAME@sha256:<64 hex>); # starts a comment");
            digests.Add(digest.ToString());
        }
        return digests;
    }
}
