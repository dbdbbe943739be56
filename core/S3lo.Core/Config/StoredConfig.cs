namespace S3lo.Core.Config;

/// <summary>s3lo.yaml as read from a store: the config, its text, and the version tag a conditional write needs (null: no file).</summary>
public sealed record StoredConfig(BucketConfig Config, string Text, string? ETag);
