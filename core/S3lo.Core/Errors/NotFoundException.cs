namespace S3lo.Core.Errors;

/// <summary>A tag, image, blob or object that does not exist.</summary>
public sealed class NotFoundException(string message, string? hint = null)
    : S3loException(message, hint);
