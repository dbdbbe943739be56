using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using S3lo.Core.Errors;

namespace S3lo.Providers.S3;

/// <summary>
/// The AWS default credential chain, in the SDK's order: environment keys, web identity
/// (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE: GitHub Actions OIDC, EKS IRSA), the profile named
/// by AWS_PROFILE or "default" (keys, SSO, AssumeRole, credential_process, web identity), the
/// container endpoint (ECS, EKS Pod Identity) and EC2 instance metadata. Walked here rather than
/// through the SDK's resolver so that a failure names what was tried, and so that the result is
/// AOT-safe (see AwsRuntimeDependencies, ProfileAssumeRoleCredentials). Nothing but instance
/// metadata touches the network here; the first request fetches the rest.
/// </summary>
internal static class AwsCredentialChain
{
    private const string NoneHint =
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/config (for SSO run 'aws sso login' first)";

    /// <summary>What the chain reads: while none of it changes, what it found is found again.</summary>
    private static readonly string[] Inputs =
    [
        "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED",
    ];

    private static volatile Found? _last;

    private sealed record Found(string Inputs, AWSCredentials Credentials);

    /// <summary>
    /// The credentials of the first source that has some. One command asks once (the source and
    /// destination stores and an ECR login share them, and so one STS or SSO call).
    /// </summary>
    public static async Task<AWSCredentials> ResolveAsync(CancellationToken ct)
    {
        var inputs = string.Join('\0', Inputs.Select(Environment.GetEnvironmentVariable));
        if (_last is { } last && last.Inputs == inputs) return last.Credentials;
        AwsRuntimeDependencies.EnsureRegistered();
        var tried = new List<string>();
        var found = FromEnvironment(tried) ?? FromWebIdentity(tried) ?? FromProfile(tried) ?? FromContainer(tried)
            ?? await FromInstanceMetadataAsync(tried, ct).ConfigureAwait(false)
            ?? throw new S3loException($"no AWS credentials found (tried {string.Join(", ", tried)})", NoneHint);
        _last = new Found(inputs, found);
        return found;
    }

    private static SourcedAwsCredentials? FromEnvironment(List<string> tried)
    {
        if (Variable("AWS_ACCESS_KEY_ID") is null && Variable("AWS_ACCESS_KEY") is null)
        {
            tried.Add("environment variables");
            return null;
        }
        try
        {
            return new SourcedAwsCredentials(new EnvironmentVariablesAWSCredentials(), "the environment (AWS_ACCESS_KEY_ID)",
                "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN");
        }
        catch (InvalidOperationException)
        {
            // The SDK's chain moves on too; the list says why this one did not count.
            tried.Add("environment variables (AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY)");
            return null;
        }
    }

    private static SourcedAwsCredentials? FromWebIdentity(List<string> tried)
    {
        var tokenFile = Variable("AWS_WEB_IDENTITY_TOKEN_FILE");
        var role = Variable("AWS_ROLE_ARN");
        if (tokenFile is null || role is null)
        {
            tried.Add("web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)");
            return null;
        }
        return new SourcedAwsCredentials(AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables(),
            $"web identity (AssumeRoleWithWebIdentity for {role} with the token in {tokenFile})",
            "check AWS_ROLE_ARN, the token file and the role's trust policy for this identity provider");
    }

    private static SourcedAwsCredentials? FromProfile(List<string> tried)
    {
        var named = Variable("AWS_PROFILE");
        var name = named ?? "default";
        var store = new CredentialProfileStoreChain();
        CredentialProfile? profile;
        try
        {
            store.TryGetProfile(name, out profile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or AmazonClientException)
        {
            throw new S3loException($"cannot read the AWS profile '{name}': {e.Message}", "fix ~/.aws/config and ~/.aws/credentials", inner: e);
        }
        if (profile is null)
        {
            // As in the SDK: a profile asked for by name that does not exist stops the search.
            if (named is not null)
                throw new S3loException($"AWS profile '{name}' (AWS_PROFILE) is not in ~/.aws/config or ~/.aws/credentials",
                    "check the name, or unset AWS_PROFILE to use the default chain");
            tried.Add("profile 'default' (none in ~/.aws)");
            return null;
        }
        AWSCredentials credentials;
        try
        {
            credentials = ProfileAssumeRoleCredentials.Rebind(AWSCredentialsFactory.GetAWSCredentials(profile, store));
        }
        catch (Exception e) when (e is AmazonClientException or InvalidDataException or InvalidOperationException or ArgumentException)
        {
            // A profile with no credentials in it (only a region, as on many EC2 hosts) leaves the
            // search to the next source, as in the SDK; the reason is kept for the final error.
            tried.Add($"profile '{name}' ({SourcedAwsCredentials.Reason(e)})");
            return null;
        }
        return credentials switch
        {
            SSOAWSCredentials => new SourcedAwsCredentials(credentials, $"SSO profile '{name}'",
                $"run 'aws sso login --profile {name}' and retry"),
            ProfileAssumeRoleCredentials role => new SourcedAwsCredentials(credentials, $"profile '{name}' (AssumeRole {role.RoleArn})",
                "check role_arn, the source profile's credentials and the role's trust policy"),
            ProcessAWSCredentials => new SourcedAwsCredentials(credentials, $"credential_process of profile '{name}'",
                "run the profile's credential_process command by hand to see what it prints"),
            AssumeRoleWithWebIdentityCredentials => new SourcedAwsCredentials(credentials, $"profile '{name}' (web identity)",
                "check role_arn, web_identity_token_file and the role's trust policy"),
            _ => new SourcedAwsCredentials(credentials, $"profile '{name}'", $"check the keys of profile '{name}' in ~/.aws/credentials"),
        };
    }

    private static SourcedAwsCredentials? FromContainer(List<string> tried)
    {
        var variable = Variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is not null ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
            : Variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") is not null ? "AWS_CONTAINER_CREDENTIALS_FULL_URI"
            : null;
        if (variable is null)
        {
            tried.Add("container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI)");
            return null;
        }
        try
        {
            return new SourcedAwsCredentials(new GenericContainerCredentials(), $"the container credentials endpoint ({variable})",
                $"check {variable} and AWS_CONTAINER_AUTHORIZATION_TOKEN / AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or UriFormatException or AmazonClientException)
        {
            throw new S3loException($"the container credentials endpoint in {variable} cannot be used: {e.Message}",
                "it must be http on a loopback or the ECS/EKS link-local address, or https", inner: e);
        }
    }

    private static async Task<SourcedAwsCredentials?> FromInstanceMetadataAsync(List<string> tried, CancellationToken ct)
    {
        if (string.Equals(Variable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            tried.Add("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
            return null;
        }
        var instance = new InstanceProfileAWSCredentials();
        try
        {
            // As in the SDK's chain: instance metadata counts only when it answers with a role.
            // The credentials keep what they fetched, so the first request does not ask again.
            await instance.GetCredentialsAsync().WaitAsync(ct).ConfigureAwait(false);
            return new SourcedAwsCredentials(instance, "EC2 instance metadata",
                "check the instance's IAM role, or set AWS_EC2_METADATA_DISABLED=true and configure other credentials");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            tried.Add($"EC2 instance metadata ({SourcedAwsCredentials.Reason(e)})");
            return null;
        }
    }

    private static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
