using S3lo.Core.Errors;

namespace S3lo.Core.Config;

/// <summary>s3lo.yaml cannot be used as it is: the message names the line and the valid choices.</summary>
public sealed class ConfigException(string message, string? hint = null)
    : S3loException(message, hint);
