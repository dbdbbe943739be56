namespace S3lo.Core.Storage;

/// <summary>A conditional write lost: another writer changed the key first.</summary>
public sealed class PreconditionFailedException(string store, string key)
    : Errors.S3loException($"{store}: {key} was changed by another writer")
{
    public string Key { get; } = key;
}
