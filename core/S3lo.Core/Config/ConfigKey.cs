namespace S3lo.Core.Config;

/// <summary>A setting <c>config set/get/remove</c> name on the command line (<see cref="ConfigKeys"/> spells them).</summary>
public enum ConfigKey
{
    Immutable,
    KeepLast,
    MaxAge,
    KeepTags,
}
