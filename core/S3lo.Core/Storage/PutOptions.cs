namespace S3lo.Core.Storage;

public sealed record PutOptions
{
    public static readonly PutOptions Blob = new() { Class = ObjectClass.Blob };
    public static readonly PutOptions Metadata = new() { Class = ObjectClass.Metadata, ContentType = "application/json" };

    /// <summary>Lets a provider pick a storage class: bulk blobs vs small, hot metadata.</summary>
    public ObjectClass Class { get; init; } = ObjectClass.Metadata;
    public string? ContentType { get; init; }
    public WriteCondition Condition { get; init; } = WriteCondition.None;
}

public enum ObjectClass
{
    /// <summary>Content-addressed layers and configs: large, written once, read rarely.</summary>
    Blob,
    /// <summary>Manifests, history, config: small and read often.</summary>
    Metadata,
}
