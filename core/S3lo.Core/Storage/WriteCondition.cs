namespace S3lo.Core.Storage;

/// <summary>A compare-and-swap guard on a write, so two writers of one key cannot silently overwrite each other.</summary>
public sealed record WriteCondition
{
    public static readonly WriteCondition None = new();
    /// <summary>Write only if no object exists at the key (If-None-Match: *).</summary>
    public static readonly WriteCondition IfAbsent = new() { RequireAbsent = true };

    /// <summary>Write only if the object's current ETag is this one (If-Match).</summary>
    public static WriteCondition IfMatch(string etag) => new() { ETag = etag };

    public bool RequireAbsent { get; private init; }
    public string? ETag { get; private init; }
}
