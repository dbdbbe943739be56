namespace S3lo.Core.Cleaning;

/// <summary>Where a clean is: a phase ("tags", "blobs", "deleting"…), items done, and the total when known.</summary>
public sealed record CleanProgress(string Phase, long Done, long? Total);
