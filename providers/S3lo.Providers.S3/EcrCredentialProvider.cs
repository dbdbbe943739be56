using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Providers.S3;

/// <summary>
/// Registry logins for Amazon ECR (<c>ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]</c>): one
/// GetAuthorizationToken call, signed with SigV4 and the AWS default credential chain, gives a
/// password for the user "AWS", cached until shortly before it expires. AWS_ENDPOINT_URL_ECR
/// points the API call elsewhere (a VPC endpoint, or a stand-in in tests).
/// </summary>
public sealed partial class EcrCredentialProvider : IRegistryCredentialProvider
{
    private const string Target = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
    private readonly ConcurrentDictionary<string, (RegistryCredential Credential, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);
    private readonly Func<CancellationToken, Task<AWSCredentials>> _credentials;

    public EcrCredentialProvider() : this(AwsCredentialChain.ResolveAsync) { }

    internal EcrCredentialProvider(Func<CancellationToken, Task<AWSCredentials>> credentials) => _credentials = credentials;

    [GeneratedRegex(@"^\d{12}\.dkr\.ecr(-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?<cn>\.cn)?(:\d+)?$")]
    private static partial Regex EcrHost();

    public async Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct)
    {
        var match = EcrHost().Match(registryHost);
        if (!match.Success) return null;
        var region = match.Groups["region"].Value;
        if (_cache.TryGetValue(region, out var cached) && cached.Expires > DateTimeOffset.UtcNow.AddMinutes(5)) return cached.Credential;

        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_ECR") is { Length: > 0 } custom
            ? custom
            : $"https://api.ecr.{region}.amazonaws.com{match.Groups["cn"].Value}";
        // The same chain as s3:// stores; its failures are already one line naming the source.
        var credentials = await _credentials(ct).ConfigureAwait(false);
        using var http = new HttpClient(new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(region), "ecr", new SocketsHttpHandler()));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.TrimEnd('/') + "/")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add("X-Amz-Target", Target);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new S3loException($"ECR GetAuthorizationToken for {registryHost} failed: HTTP {(int)response.StatusCode} {ErrorType(body)}",
                "check the AWS credentials and that they allow ecr:GetAuthorizationToken in " + region);
        var credential = Parse(body, registryHost, out var expires);
        _cache[region] = (credential, expires);
        return credential;
    }

    private static RegistryCredential Parse(string body, string registryHost, out DateTimeOffset expires)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var data = doc.RootElement.GetProperty("authorizationData")[0];
            var token = Encoding.UTF8.GetString(Convert.FromBase64String(data.GetProperty("authorizationToken").GetString()!));
            expires = data.TryGetProperty("expiresAt", out var at) && at.TryGetDouble(out var seconds)
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
                : DateTimeOffset.UtcNow.AddHours(1);
            var colon = token.IndexOf(':');
            if (colon <= 0) throw new FormatException("the token is not USER:PASSWORD");
            return new RegistryCredential(token[..colon], token[(colon + 1)..]);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new S3loException($"ECR answered GetAuthorizationToken for {registryHost} with an unreadable token: {e.Message}");
        }
    }

    private static string ErrorType(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("__type", out var type) ? type.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
