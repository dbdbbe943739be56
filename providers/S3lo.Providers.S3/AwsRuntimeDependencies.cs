using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace S3lo.Providers.S3;

/// <summary>
/// The service clients the AWS credential providers load by reflection on the JIT (STS for web
/// identity, SSO and SSO-OIDC for SSO profiles). Under Native AOT that reflection finds nothing, so
/// they are handed to the SDK's registry once, before any credential is resolved.
/// </summary>
internal static class AwsRuntimeDependencies
{
    private static readonly Lazy<bool> Registered = new(Register);

    public static void EnsureRegistered() => _ = Registered.Value;

    // Each client is unsigned, as the SDK's reflective fallback makes them: web identity, SSO and
    // SSO-OIDC authenticate with the token in the request. AssumeRole, which must be signed with the
    // source profile's keys, goes through ProfileAssumeRoleCredentials instead (the registry's
    // context does not carry them). AWS_ENDPOINT_URL_STS / _SSO / _SSO_OIDC are honoured by the
    // configs themselves.
    private static bool Register()
    {
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        registry.RegisterSecurityTokenServiceClient(context =>
        {
            var data = context.SecurityTokenServiceClientContextData;
            var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is { } proxy) config.SetWebProxy(proxy);
            return new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config);
        });
        registry.RegisterSSOClient(context =>
        {
            var data = context.SSOClientContextData;
            var config = new AmazonSSOConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is { } proxy) config.SetWebProxy(proxy);
            return new AmazonSSOClient(new AnonymousAWSCredentials(), config);
        });
        registry.RegisterSSOOIDCClient(context =>
        {
            var data = context.SSOOIDCClientContextData;
            var config = new AmazonSSOOIDCConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is { } proxy) config.SetWebProxy(proxy);
            return new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
        });
        return true;
    }
}
