using S3lo.Core.Errors;

namespace S3lo.Core.Serving;

/// <summary>A request the registry refuses with an OCI error code (the HTTP layer picks the status).</summary>
public sealed class RegistryException(RegistryErrorCode code, string message) : S3loException(message)
{
    public RegistryErrorCode Code { get; } = code;
}
