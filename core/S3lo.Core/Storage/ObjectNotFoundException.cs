namespace S3lo.Core.Storage;

public sealed class ObjectNotFoundException(string store, string key)
    : Errors.S3loException($"{store}: {key} does not exist")
{
    public string Key { get; } = key;
}
