namespace S3lo.Core.Cleaning;

/// <summary>Whether one tag is pruned, and why, in one line ("keep_last 3: 5th newest").</summary>
public sealed record TagDecision(string Tag, bool Prune, string Reason);
