using System.Security.Cryptography;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The AWS credential chain of the published (Native AOT) binary, link by link: each run has no
/// keys in its environment and a HOME of its own, gets credentials from one source — served by
/// <see cref="AwsCredentialStandIn"/>, as no real STS, SSO, ECS or EC2 is reachable here — and
/// lists a real bucket on the Ceph test server with them. Failures are one error line and a hint.
/// </summary>
[NonParallelizable]
public sealed class AwsCredentialChainTests
{
    private const string Role = "arn:aws:iam::123456789012:role/s3lo-ci";
    private const string Image = "app:1";

    /// <summary>Everything that could hand the binary credentials besides what a test sets.</summary>
    private static readonly string[] AwsVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_ENDPOINT_URL",
    ];

    private S3Server.TempBucket _bucket = null!;
    private string _home = null!;

    [OneTimeSetUp]
    public void StoreAnImage()
    {
        _bucket = S3Server.CreateBucket();
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var copy = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), _bucket.Ref(Image), "--platform", "linux/amd64", "--endpoint", S3Server.Endpoint);
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
    }

    [OneTimeTearDown]
    public void RemoveBucket() => _bucket?.Dispose();

    [SetUp]
    public void NewHome() => _home = Directory.CreateTempSubdirectory("s3lo-aws-home-").FullName;

    [TearDown]
    public void RemoveHome() => Directory.Delete(_home, recursive: true);

    [Test]
    public void WebIdentityFromTheEnvironmentAsGitHubActionsAndIrsaSetIt()
    {
        using var aws = new AwsCredentialStandIn();
        var tokenFile = Write("oidc-token", "eyJhbGciOiJSUzI1NiJ9.github-oidc.signature");

        var list = ListBucket(new()
        {
            ["AWS_ROLE_ARN"] = Role,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_SESSION_NAME"] = "gha-run-42",
            ["AWS_ENDPOINT_URL_STS"] = aws.Url,
        });

        AssertListed(list);
        var call = aws.Requests.Single();
        Assert.That(call.Form(), Does.ContainKey("Action").WithValue("AssumeRoleWithWebIdentity"));
        Assert.That(call.Form(), Does.ContainKey("RoleArn").WithValue(Role));
        Assert.That(call.Form(), Does.ContainKey("RoleSessionName").WithValue("gha-run-42"));
        Assert.That(call.Form(), Does.ContainKey("WebIdentityToken").WithValue("eyJhbGciOiJSUzI1NiJ9.github-oidc.signature"));
    }

    [Test]
    public void OneCommandAsksForCredentialsOnceForBothStores()
    {
        using var aws = new AwsCredentialStandIn();
        using var destination = S3Server.CreateBucket();
        var tokenFile = Write("oidc-token", "token");

        var copy = Run(["copy", _bucket.Ref(Image), destination.Ref(Image), "--endpoint", S3Server.Endpoint], new()
        {
            ["AWS_ROLE_ARN"] = Role,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ENDPOINT_URL_STS"] = aws.Url,
        });

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(destination.Objects().Select(o => o.Key), Does.Contain("manifests/app/1/manifest.json"));
        Assert.That(aws.Requests, Has.Count.EqualTo(1), "one AssumeRoleWithWebIdentity for the source and the destination");
    }

    [Test]
    public void AssumeRoleProfileIsSignedWithTheSourceProfilesKeys()
    {
        using var aws = new AwsCredentialStandIn();
        WriteConfig($"""
            [profile base]
            aws_access_key_id = AKIASOURCEPROFILE
            aws_secret_access_key = source-secret
            [profile deploy]
            role_arn = {Role}
            source_profile = base
            external_id = s3lo-external-id
            """);

        var list = ListBucket(new() { ["AWS_PROFILE"] = "deploy", ["AWS_ENDPOINT_URL_STS"] = aws.Url });

        AssertListed(list);
        var call = aws.Requests.Single();
        Assert.That(call.Form(), Does.ContainKey("Action").WithValue("AssumeRole"));
        Assert.That(call.Form(), Does.ContainKey("RoleArn").WithValue(Role));
        Assert.That(call.Form(), Does.ContainKey("ExternalId").WithValue("s3lo-external-id"));
        Assert.That(call.Header("Authorization"), Does.StartWith("AWS4-HMAC-SHA256 Credential=AKIASOURCEPROFILE/").And.Contain("/sts/aws4_request"));
    }

    [Test]
    public void SsoProfileUsesTheTokenThatAwsSsoLoginCached()
    {
        using var aws = new AwsCredentialStandIn();
        WriteSsoConfig();
        // `aws sso login` caches the token under the SHA-1 of the sso-session name.
        Write(Path.Combine(".aws", "sso", "cache", Sha1Hex("corp") + ".json"), $$"""
            {"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"cached-sso-access-token","expiresAt":"{{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}
            """);

        var list = ListBucket(new() { ["AWS_PROFILE"] = "dev", ["AWS_ENDPOINT_URL_SSO"] = aws.Url });

        AssertListed(list);
        var call = aws.Requests.Single();
        Assert.That(call.Path, Is.EqualTo("/federation/credentials"));
        Assert.That(call.QueryValue("account_id"), Is.EqualTo("123456789012"));
        Assert.That(call.QueryValue("role_name"), Is.EqualTo("Developer"));
        Assert.That(call.Header("x-amz-sso_bearer_token"), Is.EqualTo("cached-sso-access-token"));
    }

    [Test]
    public void ExpiredSsoTokenIsRefreshedThroughSsoOidc()
    {
        using var aws = new AwsCredentialStandIn();
        WriteSsoConfig();
        Write(Path.Combine(".aws", "sso", "cache", Sha1Hex("corp") + ".json"), $$"""
            {"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"expired-sso-access-token",
             "expiresAt":"{{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}","refreshToken":"cached-refresh-token",
             "clientId":"s3lo-client","clientSecret":"s3lo-client-secret","registrationExpiresAt":"{{DateTime.UtcNow.AddDays(30):yyyy-MM-ddTHH:mm:ssZ}}"}
            """);

        var list = ListBucket(new() { ["AWS_PROFILE"] = "dev", ["AWS_ENDPOINT_URL_SSO"] = aws.Url, ["AWS_ENDPOINT_URL_SSO_OIDC"] = aws.Url });

        AssertListed(list);
        var refresh = aws.Requests.Single(r => r.Path == "/token");
        Assert.That(refresh.Body, Does.Contain("\"refreshToken\":\"cached-refresh-token\"").And.Contain("\"clientId\":\"s3lo-client\""));
        var sso = aws.Requests.Single(r => r.Path == "/federation/credentials");
        Assert.That(sso.Header("x-amz-sso_bearer_token"), Is.EqualTo(AwsCredentialStandIn.RefreshedSsoToken));
    }

    [Test]
    public void CredentialProcessProfileRunsTheCommand()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the credential process is a shell script");
        var ranWith = Path.Combine(_home, "ran-with");
        var script = Write("credential-process.sh", $$"""
            #!/bin/sh
            echo "$@" > '{{ranWith}}'
            printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "Expiration": "%s"}\n' \
              '{{Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")}}' '{{Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")}}' \
              '{{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}'
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteConfig($"""
            [default]
            credential_process = {script} --role ci
            """);

        var list = ListBucket(new());

        AssertListed(list);
        Assert.That(File.ReadAllText(ranWith).Trim(), Is.EqualTo("--role ci"));
    }

    [TestCase("AWS_CONTAINER_AUTHORIZATION_TOKEN")]
    [TestCase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")]
    public void ContainerCredentialsEndpointWithItsAuthorizationToken(string tokenVariable)
    {
        using var aws = new AwsCredentialStandIn();
        var token = tokenVariable.EndsWith("_FILE", StringComparison.Ordinal)
            ? Write("container-token", AwsCredentialStandIn.ContainerToken)
            : AwsCredentialStandIn.ContainerToken;

        var list = ListBucket(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = aws.Url + "/v2/credentials/task-1",
            [tokenVariable] = token,
        });

        AssertListed(list);
        var call = aws.Requests.Single();
        Assert.That(call.Path, Is.EqualTo("/v2/credentials/task-1"));
        Assert.That(call.Header("Authorization"), Is.EqualTo(AwsCredentialStandIn.ContainerToken));
    }

    [Test]
    public void InstanceMetadataWithAnImdsV2SessionToken()
    {
        using var aws = new AwsCredentialStandIn();
        // As on many EC2 hosts: a default profile with a region and no keys leaves it to the instance role.
        WriteConfig("""
            [default]
            region = us-east-1
            """);

        var list = ListBucket(new() { ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = aws.Url, ["AWS_EC2_METADATA_DISABLED"] = null });

        AssertListed(list);
        var calls = aws.Requests;
        Assert.That(calls[0].Method + " " + calls[0].Path, Is.EqualTo("PUT /latest/api/token"));
        Assert.That(calls[0].Header("X-aws-ec2-metadata-token-ttl-seconds"), Is.Not.Null);
        Assert.That(calls.Select(c => c.Path), Does.Contain("/latest/meta-data/iam/security-credentials/" + AwsCredentialStandIn.InstanceRole));
    }

    [Test]
    public void EcrLoginUsesTheSameChain()
    {
        var registry = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_AUTH") ?? throw new AssertionException("S3LO_TEST_REGISTRY_AUTH is not set: eval \"$(eng/services.sh env)\"");
        var login = $"{Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_USER")}:{Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_PASSWORD")}";
        const string ecrHost = "210987654321.dkr.ecr.us-east-1.amazonaws.com";
        using var aws = new AwsCredentialStandIn { EcrLogin = login };
        using var hosts = new EcrCopyTests.HostsEntry(ecrHost);
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var tokenFile = Write("oidc-token", "ecr-oidc-token");
        var ecrRef = $"{ecrHost}:{registry[(registry.LastIndexOf(':') + 1)..]}/e2e-{Guid.NewGuid():N}/alpine:3";

        var copy = Run(["copy", fixture.Ref("alpine:latest"), ecrRef, "--platform", "linux/amd64", "--insecure"], new()
        {
            ["AWS_ROLE_ARN"] = Role,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ENDPOINT_URL_STS"] = aws.Url,
            ["AWS_ENDPOINT_URL_ECR"] = aws.Url,
        });

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var ecr = aws.Requests.Single(r => r.Header("X-Amz-Target") is not null);
        Assert.That(ecr.Header("X-Amz-Security-Token"), Is.EqualTo(AwsCredentialStandIn.SessionToken("sts")), "signed with the web identity's session");
        Assert.That(aws.Requests.Count(r => r.Form().GetValueOrDefault("Action") == "AssumeRoleWithWebIdentity"), Is.EqualTo(1));
    }

    [Test]
    public void RefusedWebIdentityIsOneLineNamingTheRole()
    {
        using var aws = new AwsCredentialStandIn();
        var tokenFile = Write("oidc-token", "token");

        var list = ListBucket(new()
        {
            ["AWS_ROLE_ARN"] = AwsCredentialStandIn.DeniedRole,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ENDPOINT_URL_STS"] = aws.Url,
        });

        AssertOneErrorLine(list,
            $"error: could not get AWS credentials from web identity (AssumeRoleWithWebIdentity for {AwsCredentialStandIn.DeniedRole} with the token in {tokenFile}): AccessDenied (HTTP 403)",
            "hint: check AWS_ROLE_ARN, the token file and the role's trust policy");
    }

    [Test]
    public void SsoProfileWithoutACachedTokenSaysToLogIn()
    {
        using var aws = new AwsCredentialStandIn();
        WriteSsoConfig();

        var list = ListBucket(new() { ["AWS_PROFILE"] = "dev", ["AWS_ENDPOINT_URL_SSO"] = aws.Url, ["AWS_ENDPOINT_URL_SSO_OIDC"] = aws.Url });

        AssertOneErrorLine(list, "error: could not get AWS credentials from SSO profile 'dev': ", "hint: run 'aws sso login --profile dev' and retry");
        Assert.That(aws.Requests, Is.Empty, "nothing to send without a token");
    }

    [Test]
    public void FailingCredentialProcessIsOneLineWithItsError()
    {
        WriteConfig("""
            [default]
            credential_process = /bin/sh -c "echo 'token expired' >&2; exit 3"
            """);

        var list = ListBucket(new());

        AssertOneErrorLine(list, "error: could not get AWS credentials from credential_process of profile 'default': ",
            "hint: run the profile's credential_process command by hand");
        Assert.That(list.StderrLines[0], Does.Contain("token expired"));
    }

    [Test]
    public void MissingNamedProfileStopsTheChain()
    {
        var list = ListBucket(new() { ["AWS_PROFILE"] = "nope" });

        AssertOneErrorLine(list, "error: AWS profile 'nope' (AWS_PROFILE) is not in ~/.aws/config or ~/.aws/credentials", "hint: ");
    }

    [Test]
    public void NoSourceAtAllNamesEveryLinkTried()
    {
        var list = ListBucket(new());

        AssertOneErrorLine(list, "error: no AWS credentials found (tried environment variables, web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), "
            + "profile 'default' (none in ~/.aws), container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI), "
            + "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED))", "hint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }

    private RunResult ListBucket(Dictionary<string, string?> environment) =>
        Run(["list", _bucket.Url, "--endpoint", S3Server.Endpoint], environment);

    /// <summary>
    /// The binary with none of the test process's AWS credentials, a HOME of its own, and instance
    /// metadata off unless a test turns it on (its real address is never to be reached from here).
    /// </summary>
    private RunResult Run(string[] args, Dictionary<string, string?> environment)
    {
        var full = AwsVariables.ToDictionary(v => v, _ => (string?)null);
        full["HOME"] = _home;
        full["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment) full[name] = value;
        return S3loBinary.Run(args, full, null, TimeSpan.FromMinutes(2));
    }

    private void AssertListed(RunResult list)
    {
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        Assert.That(list.StdoutLines, Is.EqualTo(new[] { Image }));
    }

    private static void AssertOneErrorLine(RunResult result, string errorStart, string hintStart)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString);
        Assert.That(result.StderrLines, Has.Length.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Does.StartWith(errorStart));
        Assert.That(result.StderrLines[1], Does.StartWith(hintStart));
    }

    private void WriteSsoConfig() => WriteConfig("""
        [profile dev]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Developer
        region = us-east-1
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-1
        sso_registration_scopes = sso:account:access
        """);

    private void WriteConfig(string text) => Write(Path.Combine(".aws", "config"), text + "\n");

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_home, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Sha1Hex(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
}
