namespace S3lo.Core.History;

/// <summary>One push of a tag: its current state, or (with --all) an older push it superseded.</summary>
/// <param name="SizeBytes">The image's bytes as the push recorded them; null when no history entry says.</param>
/// <param name="Command"><c>push</c> or <c>copy</c>; null when not recorded (s3lo v1, or no history).</param>
/// <param name="Source">What the image came from; null when not recorded.</param>
public sealed record TagHistoryRow(string Tag, DateTimeOffset PushedAt, long? SizeBytes, string Digest, string? Command, string? Source,
    bool Superseded);
