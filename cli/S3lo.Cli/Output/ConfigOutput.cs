
namespace S3lo.Cli.Output;

/// <summary><c>config set</c> / <c>config remove</c>: what changed, on which entry (<c>default</c>, an image or a glob).</summary>
public sealed record ConfigChange(string Bucket, string Entry, string Action, IReadOnlyList<string> Keys);

/// <summary><c>config get</c>: each key's value ("" when unset) and where it comes from.</summary>
public sealed record ConfigView(string Bucket, string Entry, IReadOnlyList<ConfigSetting> Settings);

public sealed record ConfigSetting(string Key, string Value, string Origin);

public sealed record Recommendations(string Bucket, IReadOnlyList<RecommendationJson> Findings);

public sealed record RecommendationJson(string Topic, string Status, string? Advice);

public sealed record PolicyReport(string Image, string Digest, IReadOnlyList<PolicyResultJson> Policies);

public sealed record PolicyResultJson(string Name, string Check, string Outcome, string Reason);
