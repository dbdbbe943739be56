using System.Security.Cryptography;

namespace S3lo.Core.Serving;

/// <summary>
/// Blob upload session IDs: 128 random bits as 32 lowercase hex characters. Unguessable, because whoever
/// knows an ID can add to that upload; checked before any storage request, because an ID is also a key
/// segment under <see cref="Bucket.BucketLayout.UploadsPrefix"/>.
/// </summary>
public static class UploadSessionId
{
    private const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsValid(string? id) => id is { Length: Length } && id.All(char.IsAsciiHexDigitLower);
}
