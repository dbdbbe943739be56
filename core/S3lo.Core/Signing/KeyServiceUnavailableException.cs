using S3lo.Core.Errors;

namespace S3lo.Core.Signing;

/// <summary>
/// The key service (a KMS) could not be reached or did not answer: connection refused, timeout, or
/// server errors after retries. Unlike a refused or missing key, this says nothing about the
/// signature, so a verify that meets it could not check (exit 2) rather than failed.
/// </summary>
public sealed class KeyServiceUnavailableException(string message, string? hint = null, Exception? inner = null)
    : S3loException(message, hint, inner);
