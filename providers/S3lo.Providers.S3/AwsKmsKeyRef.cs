using System.Text.RegularExpressions;
using S3lo.Core.Errors;

namespace S3lo.Providers.S3;

/// <summary>
/// An <c>awskms://</c> key reference, in cosign's forms: <c>awskms:///alias/NAME</c>,
/// <c>awskms:///KEY-ID</c>, <c>awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID</c> (or <c>:alias/NAME</c>),
/// each optionally with an endpoint host as in <c>awskms://HOST[:PORT]/alias/NAME</c>, which, as in
/// cosign, is reached over https. <see cref="KeyId"/> is what KMS is asked for; an ARN also names
/// the region the key lives in.
/// </summary>
internal sealed partial record AwsKmsKeyRef(string Text, string KeyId, string? Region, Uri? Endpoint)
{
    public const string Scheme = "awskms";
    private const string Prefix = Scheme + "://";
    private const string Forms = "use awskms:///alias/NAME, awskms:///KEY-ID or awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID (an endpoint host may go between // and /)";

    [GeneratedRegex(@"^(?:alias/[A-Za-z0-9/_-]+|[A-Za-z0-9-]+)$")]
    private static partial Regex AliasOrKeyId();

    [GeneratedRegex(@"^arn:aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:kms:(?<region>[a-z]{2}(?:-[a-z0-9]+)+):\d{12}:(?:key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$")]
    private static partial Regex Arn();

    public static AwsKmsKeyRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"'{text}' is not an AWS KMS key reference (it must start with {Prefix})", Forms);
        var rest = text[Prefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash < 0 || slash == rest.Length - 1)
            throw new UsageException($"'{text}' names no KMS key", Forms);
        var host = rest[..slash];
        var id = rest[(slash + 1)..];
        // awskms://alias/NAME would be the key NAME at https://alias: surely a slash short.
        if (host.Equals("alias", StringComparison.OrdinalIgnoreCase) || host.StartsWith("arn:", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"'{text}' names no KMS key: the key goes after a third slash", $"write {Prefix}/{rest}; " + Forms);
        var endpoint = host.Length == 0 ? null : EndpointOf(text, host);
        if (AliasOrKeyId().IsMatch(id) && !id.EndsWith('/')) return new AwsKmsKeyRef(text, id, null, endpoint);
        if (Arn().Match(id) is { Success: true } arn) return new AwsKmsKeyRef(text, id, arn.Groups["region"].Value, endpoint);
        throw new UsageException($"'{text}' is not an AWS KMS key reference: '{id}' is neither alias/NAME, a key ID nor a KMS key ARN", Forms);
    }

    /// <summary>cosign's <c>awskms://HOST/...</c>: the KMS endpoint at https://HOST.</summary>
    private static Uri EndpointOf(string text, string host)
    {
        if (host.IndexOfAny(['@', '?', '#', '\\']) >= 0
            || !Uri.TryCreate("https://" + host + "/", UriKind.Absolute, out var uri)
            || uri.Authority.Length == 0)
            throw new UsageException($"'{text}' has '{host}' where the endpoint host goes, which is not a host[:port]", Forms);
        return uri;
    }
}
