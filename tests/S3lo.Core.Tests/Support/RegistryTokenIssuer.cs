using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// A distribution-spec token server for the token-auth registry: answers
/// <c>GET /token?service=&amp;scope=repository:NAME:ACTIONS</c> with an ES256 JWT signed by a test key
/// whose self-signed certificate the registry trusts (rootcertbundle). Grants every requested
/// action to testuser/testpassword, nothing to anonymous callers, 401 to wrong credentials.
/// </summary>
internal sealed class RegistryTokenIssuer : IDisposable
{
    public const string Service = "s3lo-test-registry";
    public const string Issuer = "s3lo-test-issuer";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyId;
    private readonly LoopbackHttpServer _server;
    private readonly string _user;
    private readonly string _password;
    private int _issued;

    public RegistryTokenIssuer(string user, string password)
    {
        _user = user;
        _password = password;
        _keyId = LibtrustKeyId(_key.ExportSubjectPublicKeyInfo());
        var request = new CertificateRequest("CN=s3lo test token issuer", _key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePem = certificate.ExportCertificatePem();
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>PEM of the certificate the registry's rootcertbundle must hold.</summary>
    public string CertificatePem { get; }

    public string Realm => $"http://{_server.Authority}/token";

    public int TokensIssued => Volatile.Read(ref _issued);

    public IEnumerable<LoopbackHttpServer.RecordedRequest> Requests => _server.Requests;

    private async Task HandleAsync(HttpListenerContext context)
    {
        if (context.Request.Url!.AbsolutePath != "/token")
        {
            await LoopbackHttpServer.WriteAsync(context, 404);
            return;
        }
        string? account = null;
        var authorization = context.Request.Headers["Authorization"];
        if (authorization is not null)
        {
            var decoded = authorization.StartsWith("Basic ", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]))
                : "";
            if (decoded != $"{_user}:{_password}")
            {
                await LoopbackHttpServer.WriteAsync(context, 401, "{\"details\":\"wrong credentials\"}"u8.ToArray(), "application/json");
                return;
            }
            account = _user;
        }
        var access = new JsonArray();
        foreach (var scope in context.Request.QueryString.GetValues("scope") ?? [])
        {
            var parts = scope.Split(':');
            if (parts.Length != 3 || parts[0] != "repository" || account is null) continue;
            access.Add(new JsonObject
            {
                ["type"] = "repository",
                ["name"] = parts[1],
                ["actions"] = new JsonArray(parts[2].Split(',').Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = account ?? "",
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["kid"] = _keyId };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var token = signingInput + "." + Base64Url(signature);
        Interlocked.Increment(ref _issued);
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = 300,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        });
        await LoopbackHttpServer.WriteAsync(context, 200, body, "application/json");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>docker/libtrust's key ID: base32 of the first 240 bits of sha256(SPKI DER), in ':'-joined groups of 4.</summary>
    internal static string LibtrustKeyId(byte[] subjectPublicKeyInfo)
    {
        var hash = SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 30);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in hash)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        var s = sb.ToString();
        return string.Join(":", Enumerable.Range(0, s.Length / 4).Select(i => s.Substring(i * 4, 4)));
    }

    public void Dispose()
    {
        _server.Dispose();
        _key.Dispose();
    }
}
