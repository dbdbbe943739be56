namespace S3lo.Core.Cleaning;

/// <summary>Deleted (or, in a dry run, deletable) items of one category, and failed deletes apart.</summary>
public sealed record CleanTotal(CleanCategory Category, int Count, long Bytes, int Failed);
