using YamlDotNet.Serialization;

namespace S3lo.Core.Config;

/// <summary>The source-generated (reflection-free, AOT-safe) YamlDotNet context for <see cref="ConfigFileModel"/>.</summary>
/// <remarks>Public only because the generator emits its half of the class as public; nothing outside core needs it.</remarks>
[YamlStaticContext]
[YamlSerializable(typeof(ConfigFileModel))]
[YamlSerializable(typeof(EntryModel))]
[YamlSerializable(typeof(LifecycleModel))]
[YamlSerializable(typeof(PolicyModel))]
public partial class ConfigYamlContext : StaticContext;
