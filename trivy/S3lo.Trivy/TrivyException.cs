using S3lo.Core.Errors;

namespace S3lo.Trivy;

/// <summary>Trivy could not be found, installed or started: the scan could not run (the CLI exits 2).</summary>
public sealed class TrivyException(string message, string? hint = null, Exception? inner = null)
    : S3loException(message, hint, inner);
