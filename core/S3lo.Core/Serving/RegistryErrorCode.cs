namespace S3lo.Core.Serving;

/// <summary>The OCI Distribution error codes the read API answers with.</summary>
public enum RegistryErrorCode
{
    NameInvalid,
    NameUnknown,
    ManifestUnknown,
    ManifestInvalid,
    BlobUnknown,
    DigestInvalid,
    TagInvalid,
    PaginationNumberInvalid,
    RangeInvalid,
    Unsupported,
}
