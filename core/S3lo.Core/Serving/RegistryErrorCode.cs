namespace S3lo.Core.Serving;

/// <summary>The OCI Distribution error codes the registry answers with (the HTTP layer maps each to a status).</summary>
public enum RegistryErrorCode
{
    NameInvalid,
    NameUnknown,
    ManifestUnknown,
    ManifestInvalid,
    ManifestBlobUnknown,
    BlobUnknown,
    BlobUploadUnknown,
    BlobUploadInvalid,
    DigestInvalid,
    SizeInvalid,
    TagInvalid,
    PaginationNumberInvalid,
    RangeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
}
