using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.SharedInterfaces;
using Amazon.SecurityToken;

namespace S3lo.Providers.S3;

/// <summary>
/// AssumeRole for a profile with <c>role_arn</c> and <c>source_profile</c> / <c>credential_source</c>:
/// the SDK's own AssumeRoleAWSCredentials gets its STS client from the runtime-dependency registry
/// under Native AOT, whose context lacks the source credentials the call must be signed with. This
/// makes the same call with an STS client built on them (AWS_ENDPOINT_URL_STS honoured).
/// </summary>
internal sealed class ProfileAssumeRoleCredentials : RefreshingAWSCredentials
{
    private readonly AWSCredentials _source;
    private readonly AssumeRoleAWSCredentialsOptions _options;

    public ProfileAssumeRoleCredentials(AWSCredentials source, string roleArn, string sessionName, AssumeRoleAWSCredentialsOptions options)
    {
        _source = source;
        RoleArn = roleArn;
        _options = options;
        SessionName = sessionName;
        // Renew well before expiry, as the SDK's AssumeRole credentials do.
        PreemptExpiryTime = TimeSpan.FromMinutes(15);
    }

    public string RoleArn { get; }
    public string SessionName { get; }

    /// <summary>The SDK's AssumeRole credentials (from a profile) rebuilt as these, at every level of a role chain.</summary>
    public static AWSCredentials Rebind(AWSCredentials credentials) =>
        credentials is AssumeRoleAWSCredentials assume
            ? new ProfileAssumeRoleCredentials(Rebind(assume.SourceCredentials), assume.RoleArn, assume.RoleSessionName, assume.Options)
            : credentials;

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1 };
        if (_options.ProxySettings is { } proxy) config.SetWebProxy(proxy);
        using var sts = new AmazonSecurityTokenServiceClient(_source, config);
        var credentials = await ((ICoreAmazonSTS)sts).CredentialsFromAssumeRoleAuthenticationAsync(RoleArn, SessionName, _options).ConfigureAwait(false);
        return new CredentialsRefreshState(credentials, credentials.Expiration);
    }
}
