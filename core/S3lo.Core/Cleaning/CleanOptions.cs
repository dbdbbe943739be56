namespace S3lo.Core.Cleaning;

/// <summary>What one <c>clean</c> run does (docs/clean.md): a dry run unless <see cref="Confirm"/>.</summary>
public sealed record CleanOptions
{
    /// <summary>False: a dry run that lists what would go and writes nothing (not even its marker).</summary>
    public bool Confirm { get; init; }

    /// <summary>Prune tags by the lifecycle rules.</summary>
    public bool Tags { get; init; } = true;

    /// <summary>Delete unreachable blobs, old incomplete uploads and stale diff-ID index entries.</summary>
    public bool Blobs { get; init; } = true;

    /// <summary>An unreachable blob or upload younger than this (by its last-modified time) stays: a push may be about to use it.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Images in use (<c>sha256:…</c>): a tag holding one, as its root or a platform of its index, is never pruned.</summary>
    public IReadOnlySet<string> KeepDigests { get; init; } = new HashSet<string>();

    /// <summary>Reads and deletes in flight at once. Reads are small (manifests, history): a large bucket's clean is round trips, so more helps.</summary>
    public int Parallelism { get; init; } = 32;
}
