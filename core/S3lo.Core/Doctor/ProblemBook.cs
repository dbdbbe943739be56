using System.Collections.Concurrent;
using S3lo.Core.Bucket;

namespace S3lo.Core.Doctor;

/// <summary>
/// Problems with blobs, each once however many tags reach the blob: every tag (and platform) that does is
/// gathered, so one finding names them all. Filled by parallel walks.
/// </summary>
internal sealed class ProblemBook
{
    private readonly ConcurrentDictionary<(string Kind, string Hex), Problem> _problems = new();

    /// <param name="role">What the blob is to its users: layer, config, manifest.</param>
    /// <param name="detail">What is wrong, for kinds that say more than their name.</param>
    public void Add(string kind, string hex, string role, string detail, ImageUser? user)
    {
        var problem = _problems.GetOrAdd((kind, hex), _ => new Problem(role, detail));
        if (user is { } u) problem.Users.TryAdd(u, 0);
    }

    public IEnumerable<DoctorFinding> Findings() => _problems.Select(p => Describe(p.Key.Kind, p.Key.Hex, p.Value));

    private static DoctorFinding Describe(string kind, string hex, Problem problem)
    {
        var digest = "sha256:" + hex;
        var key = BucketLayout.BlobsPrefix + hex;
        var users = problem.Users.Keys.Select(u => u.ToString()).Order(StringComparer.Ordinal).ToList();
        var images = string.Join(", ", problem.Users.Keys.Select(u => u.Image).Distinct().Order(StringComparer.Ordinal));
        var who = users.Count == 0 ? "" : string.Join(", ", users) + (users.Count == 1 ? " references " : " reference ");
        var again = images.Length == 0
            ? $"delete the blob object {key}: no tag uses it"
            : $"delete the blob object {key} and push or copy {images} again";
        return kind switch
        {
            "missing-blob" => DoctorFinding.Error(kind, key, $"{who}{problem.Role} {digest} which is missing from the bucket",
                $"push or copy {images} again to restore it"),
            "wrong-size" => DoctorFinding.Error(kind, key, $"{who}{problem.Role} {digest} {problem.Detail}", again),
            "unparsable-manifest" => DoctorFinding.Error(kind, key, $"{who}{problem.Role} {digest} which cannot be parsed: {problem.Detail}", again),
            "unparsable-config" => DoctorFinding.Error(kind, key, $"{who}{problem.Role} {digest} which is not a JSON object: {problem.Detail}", again),
            "hash-mismatch" => DoctorFinding.Error(kind, key,
                $"blob {digest} does not hash to its name (its bytes hash to {problem.Detail})" + (users.Count == 0 ? "" : $"; used by {string.Join(", ", users)}"),
                again),
            _ => DoctorFinding.Error(kind, key, $"{who}{problem.Role} {digest}: {problem.Detail}", again),
        };
    }

    private sealed class Problem(string role, string detail)
    {
        public string Role { get; } = role;
        public string Detail { get; } = detail;
        public ConcurrentDictionary<ImageUser, byte> Users { get; } = new();
    }
}

/// <summary>A tag, and the platform when the blob is reached through an index entry.</summary>
internal readonly record struct ImageUser(string Image, string? Platform)
{
    public override string ToString() => Platform is null ? Image : $"{Image} ({Platform})";
}
