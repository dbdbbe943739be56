namespace S3lo.Core.Init;

/// <summary>What init found in the bucket before it wrote anything.</summary>
public enum StoreContents
{
    /// <summary>No object at all (or only an earlier init's probe).</summary>
    Empty,

    /// <summary>Already an s3lo store: s3lo.yaml, tags or blobs.</summary>
    Store,

    /// <summary>Objects that are not s3lo's: init refuses without --force.</summary>
    Other,
}
