namespace S3lo.Core.History;

/// <summary>One image (repository) of a bucket: how many tags, its last push, and the bytes its tags hold.</summary>
/// <param name="SizeBytes">The distinct blobs its tags reference (manifests, configs, layers), each counted once.</param>
public sealed record ImageSummaryRow(string Image, int Tags, DateTimeOffset LastPush, long SizeBytes);
