namespace S3lo.Core.Config;

/// <summary>One <c>key=value</c> of <c>config set</c>, parsed: <see cref="Value"/> sets exactly <see cref="Key"/>.</summary>
public sealed record ConfigAssignment(ConfigKey Key, ImageRules Value);
