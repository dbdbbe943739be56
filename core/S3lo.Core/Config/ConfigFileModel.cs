using YamlDotNet.Serialization;

namespace S3lo.Core.Config;

// The typed shape of s3lo.yaml as the static YamlDotNet context reads it. Every leaf is text: the
// validator has already checked each value against its grammar with the line it sits on, and
// BucketConfigParser converts them with the same grammars (ConfigValues).

[YamlSerializable]
internal sealed class ConfigFileModel
{
    public EntryModel? Default { get; set; }
    public Dictionary<string, EntryModel?>? Images { get; set; }
    public List<PolicyModel>? Policies { get; set; }
}

[YamlSerializable]
internal sealed class EntryModel
{
    public string? Immutable { get; set; }
    public LifecycleModel? Lifecycle { get; set; }
}

[YamlSerializable]
internal sealed class LifecycleModel
{
    public string? KeepLast { get; set; }
    public string? MaxAge { get; set; }
    public List<string>? KeepTags { get; set; }
}

[YamlSerializable]
internal sealed class PolicyModel
{
    public string? Name { get; set; }
    public string? Check { get; set; }
    public string? MaxSeverity { get; set; }
    public string? MaxDays { get; set; }
    public string? KeyRef { get; set; }
    public string? MaxBytes { get; set; }
}
