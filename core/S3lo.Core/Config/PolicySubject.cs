namespace S3lo.Core.Config;

/// <summary>What the policies that can run today look at: when the image was pushed and how big it is.</summary>
/// <param name="TotalBytes">The config and every layer of every platform, as stored.</param>
public sealed record PolicySubject(DateTimeOffset PushedAt, long TotalBytes);
