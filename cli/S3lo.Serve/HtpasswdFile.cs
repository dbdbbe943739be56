using System.Text.RegularExpressions;
using S3lo.Core.Errors;

namespace S3lo.Serve;

/// <summary>
/// The users of <c>--htpasswd</c>: <c>user:hash</c> lines as <c>htpasswd -B</c> writes them. Only bcrypt
/// is accepted: MD5 (apr1), SHA-1 and crypt(3) hashes are cheap to brute-force, so a file holding one is
/// refused at start, naming its line, rather than silently locking that user out.
/// </summary>
public sealed partial class HtpasswdFile
{
    private readonly Dictionary<string, string> _hashes;

    private HtpasswdFile(string path, Dictionary<string, string> hashes)
    {
        Path = path;
        _hashes = hashes;
    }

    public string Path { get; }

    public int Count => _hashes.Count;

    /// <summary>The bcrypt hash of a user; null for a user the file does not name.</summary>
    public string? HashOf(string user) => _hashes.GetValueOrDefault(user);

    /// <summary>Reads the file once; every problem is a <see cref="UsageException"/> of one line (exit 2).</summary>
    public static HtpasswdFile Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"cannot read --htpasswd {path}: {e.Message}");
        }
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var where = $"--htpasswd {path} line {i + 1}";
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new UsageException($"{where} is not 'user:hash'");
            var user = line[..colon];
            var hash = line[(colon + 1)..];
            if (!BcryptHash().IsMatch(hash))
                throw new UsageException($"{where}: user '{user}' has {KindOf(hash)}, not bcrypt; only bcrypt entries are accepted (create them with htpasswd -B)");
            if (!hashes.TryAdd(user, hash)) throw new UsageException($"{where}: user '{user}' is listed twice");
        }
        if (hashes.Count == 0) throw new UsageException($"--htpasswd {path} has no user: add one with htpasswd -B {path} USER");
        return new HtpasswdFile(path, hashes);
    }

    private static string KindOf(string hash) => hash switch
    {
        _ when hash.StartsWith("$apr1$", StringComparison.Ordinal) => "an MD5 (apr1) hash",
        _ when hash.StartsWith("{SHA}", StringComparison.Ordinal) => "a SHA-1 hash",
        _ when hash.StartsWith("$1$", StringComparison.Ordinal) => "an MD5-crypt hash",
        _ when hash.StartsWith("$5$", StringComparison.Ordinal) || hash.StartsWith("$6$", StringComparison.Ordinal) => "a SHA-crypt hash",
        _ when hash.StartsWith("$2", StringComparison.Ordinal) => "a malformed bcrypt hash",
        _ when hash.Length == 13 => "a crypt(3) hash",
        _ => "an unknown hash (or a plain-text password)",
    };

    /// <summary>$2a$, $2b$ or $2y$, a two-digit cost, then 22 characters of salt and 31 of hash.</summary>
    [GeneratedRegex(@"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$")]
    private static partial Regex BcryptHash();
}
