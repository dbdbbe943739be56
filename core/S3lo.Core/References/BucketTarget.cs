namespace S3lo.Core.References;

/// <summary>
/// What a bucket-level command acts on: a whole store, or one image in it (<c>history</c>, <c>config</c>),
/// or a glob such as <c>dev/*</c> (<c>config</c>). <see cref="Repository"/> is null for the whole store.
/// </summary>
public sealed record BucketTarget(BucketLocation Location, string? Repository)
{
    /// <summary>True when <see cref="Repository"/> is a glob pattern (contains '*').</summary>
    public bool IsGlob => Repository is not null && Repository.Contains('*', StringComparison.Ordinal);

    public override string ToString() => Location + (Repository ?? "");
}
