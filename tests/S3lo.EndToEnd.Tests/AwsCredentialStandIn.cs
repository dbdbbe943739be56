using System.Net;
using System.Text;
using System.Web;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// One loopback HTTP server that answers as the AWS credential sources do: STS (AssumeRole,
/// AssumeRoleWithWebIdentity; query protocol, XML), the SSO portal (GetRoleCredentials) and its
/// OIDC token refresh (CreateToken), an ECS
/// container-credentials endpoint, EC2 instance metadata (IMDSv2) and ECR's GetAuthorizationToken.
/// There is no real STS, SSO, ECS or EC2 here, so this stands in for them; every source hands out
/// the S3 test server's keys (with a session token naming the source), so that what the binary
/// then lists on the real Ceph bucket proves the credentials came through. It records each request.
/// </summary>
public sealed class AwsCredentialStandIn : IDisposable
{
    public const string DeniedRole = "arn:aws:iam::123456789012:role/denied";
    public const string InstanceRole = "s3lo-instance-role";
    public const string ContainerToken = "container-auth-token";
    public const string RefreshedSsoToken = "refreshed-sso-access-token";
    private const string ImdsToken = "imds-session-token";

    private readonly LoopbackHttpServer _server;
    private readonly string _accessKey = Required("AWS_ACCESS_KEY_ID");
    private readonly string _secretKey = Required("AWS_SECRET_ACCESS_KEY");
    private readonly List<SeenRequest> _requests = [];

    public AwsCredentialStandIn()
    {
        _server = new LoopbackHttpServer(AnswerAsync);
        Url = $"http://{_server.Authority}";
    }

    /// <summary>The base URL, for AWS_ENDPOINT_URL_STS and the like.</summary>
    public string Url { get; }

    /// <summary>ECR answers with this registry login (USER:PASSWORD).</summary>
    public string? EcrLogin { get; init; }

    public IReadOnlyList<SeenRequest> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    /// <summary>The session token handed out by the source named (sts, sso, container, imds).</summary>
    public static string SessionToken(string source) => $"{source}-session-token";

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var seen = new SeenRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query, headers, body);
        lock (_requests) _requests.Add(seen);

        var (status, type, answer) = seen switch
        {
            { Method: "POST" } when seen.Header("X-Amz-Target")?.EndsWith(".GetAuthorizationToken", StringComparison.Ordinal) == true => Ecr(),
            { Method: "POST", Path: "/token" } => SsoOidc(seen),
            { Method: "POST" } => Sts(seen.Form()),
            { Method: "GET", Path: "/federation/credentials" } => Sso(seen),
            { Method: "GET" } when seen.Path.StartsWith("/v2/credentials/", StringComparison.Ordinal) => Container(seen),
            { Method: "PUT", Path: "/latest/api/token" } => (200, "text/plain", ImdsToken),
            { Path: var path } when path.StartsWith("/latest/", StringComparison.Ordinal) => InstanceMetadata(seen),
            _ => (404, "text/plain", "not found"),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        var bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    private (int, string, string) Sts(Dictionary<string, string> form)
    {
        var action = form.GetValueOrDefault("Action", "");
        if (form.GetValueOrDefault("RoleArn") == DeniedRole)
            return (403, "text/xml", $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:{action}</Message></Error><RequestId>standin</RequestId></ErrorResponse>""");
        var expires = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        return (200, "text/xml", $"""
            <{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <{action}Result>
                <Credentials><AccessKeyId>{_accessKey}</AccessKeyId><SecretAccessKey>{_secretKey}</SecretAccessKey><SessionToken>{SessionToken("sts")}</SessionToken><Expiration>{expires}</Expiration></Credentials>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/standin/session</Arn><AssumedRoleId>AROASTANDIN:session</AssumedRoleId></AssumedRoleUser>
              </{action}Result>
              <ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata>
            </{action}Response>
            """);
    }

    private (int, string, string) Sso(SeenRequest seen)
    {
        if (string.IsNullOrEmpty(seen.Header("x-amz-sso_bearer_token")))
            return (401, "application/json", """{"message":"Session token not found or invalid"}""");
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        return (200, "application/json",
            $$$"""{"roleCredentials":{"accessKeyId":"{{{_accessKey}}}","secretAccessKey":"{{{_secretKey}}}","sessionToken":"{{{SessionToken("sso")}}}","expiration":{{{expires}}}}}""");
    }

    // SSO-OIDC CreateToken, as the SDK calls it to refresh an expired cached SSO token.
    private static (int, string, string) SsoOidc(SeenRequest seen) =>
        seen.Body.Contains("\"refresh_token\"", StringComparison.Ordinal)
            ? (200, "application/json", $$"""{"accessToken":"{{RefreshedSsoToken}}","expiresIn":3600,"refreshToken":"rotated-refresh-token","tokenType":"Bearer"}""")
            : (400, "application/json", """{"error":"invalid_grant"}""");

    private (int, string, string) Container(SeenRequest seen) =>
        seen.Header("Authorization") != ContainerToken
            ? (401, "application/json", """{"code":"AccessDenied","message":"bad authorization token"}""")
            : (200, "application/json", CredentialsJson("container"));

    private (int, string, string) InstanceMetadata(SeenRequest seen)
    {
        if (seen.Header("X-aws-ec2-metadata-token") != ImdsToken) return (401, "text/plain", "");
        return seen.Path switch
        {
            "/latest/meta-data/iam/security-credentials/" => (200, "text/plain", InstanceRole),
            "/latest/meta-data/iam/security-credentials/" + InstanceRole => (200, "application/json", CredentialsJson("imds")),
            "/latest/meta-data/iam/info" => (200, "application/json",
                "{\"Code\":\"Success\",\"InstanceProfileArn\":\"arn:aws:iam::123456789012:instance-profile/standin\",\"InstanceProfileId\":\"AIPASTANDIN\"}"),
            _ => (404, "text/plain", ""),
        };
    }

    private string CredentialsJson(string source)
    {
        var now = DateTime.UtcNow;
        return $$"""{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{{_accessKey}}","SecretAccessKey":"{{_secretKey}}","Token":"{{SessionToken(source)}}","Expiration":"{{now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}","LastUpdated":"{{now:yyyy-MM-ddTHH:mm:ssZ}}"}""";
    }

    private (int, string, string) Ecr()
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(EcrLogin ?? "AWS:none"));
        var expires = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds();
        return (200, "application/x-amz-json-1.1", $$"""{"authorizationData":[{"authorizationToken":"{{token}}","expiresAt":{{expires}}}]}""");
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{variable} is not set: start the test services and eval \"$(eng/services.sh env)\"");

    public void Dispose() => _server.Dispose();

    public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);

        /// <summary>The form fields of an STS request (query protocol: the body is application/x-www-form-urlencoded).</summary>
        public Dictionary<string, string> Form()
        {
            var form = HttpUtility.ParseQueryString(Body);
            return form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!, StringComparer.Ordinal);
        }

        public string? QueryValue(string name) => HttpUtility.ParseQueryString(Query)[name];
    }
}
