namespace S3lo.Core.Storage;

/// <summary>One key a batch delete could not remove, with the store's reason (e.g. "AccessDenied").</summary>
public sealed record DeleteFailure(string Key, string Reason);
