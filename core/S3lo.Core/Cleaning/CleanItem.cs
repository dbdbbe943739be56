namespace S3lo.Core.Cleaning;

/// <summary>One thing a clean deleted (or, in a dry run, would delete).</summary>
/// <param name="Name"><c>image:tag</c> for tags, <c>sha256:…</c> for blobs, the key for uploads and index entries.</param>
/// <param name="Bytes">What deleting it frees (a tag: its manifest.json).</param>
/// <param name="Reason">One line: why it goes, e.g. "keep_last 3: 5th newest".</param>
/// <param name="Failure">Set when the delete failed, with the store's reason.</param>
public sealed record CleanItem(CleanCategory Category, string Name, long Bytes, string Reason, string? Failure = null);
