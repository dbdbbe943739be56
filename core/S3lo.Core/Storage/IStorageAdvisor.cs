namespace S3lo.Core.Storage;

/// <summary>
/// A store that can report the bucket settings that make it cheaper or safer to run as a registry
/// (versioning, a rule that aborts incomplete uploads, tiering), for <c>config recommend</c>.
/// </summary>
public interface IStorageAdvisor
{
    Task<IReadOnlyList<StorageFinding>> InspectSettingsAsync(CancellationToken ct);
}

/// <summary>One setting as the bucket has it, and what to change (null when it is fine as it is).</summary>
/// <param name="Topic">Short and stable, e.g. "versioning", "incomplete-uploads", "tiering".</param>
/// <param name="Status">What the bucket has now, e.g. "enabled", "no rule", "unknown (AccessDenied)".</param>
/// <param name="Advice">One sentence a user can act on, naming the setting to change.</param>
public sealed record StorageFinding(string Topic, string Status, string? Advice);
