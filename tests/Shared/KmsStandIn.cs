using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.Tests.Shared;

/// <summary>
/// A loopback stand-in for AWS KMS's JSON protocol (POST /, X-Amz-Target TrentService.Sign and
/// TrentService.GetPublicKey, application/x-amz-json-1.1). No KMS runs on this machine (LocalStack
/// is not installed and AWS is not reachable), so this holds real keys — ECDSA P-256 and, to be
/// refused, RSA — signs the DIGEST it receives with the real private key, answers the real
/// SubjectPublicKeyInfo, and checks each request's SigV4 signature exactly as AWS does: it rebuilds
/// the canonical request from what arrived (method, path, query, the signed headers, the SHA-256 of
/// the body), the string to sign and the signing key for <see cref="SecretKey"/>, service "kms" and
/// <see cref="Region"/>, and answers 403 when the Authorization header is missing or does not match.
/// Keys can be made to answer NotFound (unknown), AccessDenied, Disabled or server errors.
/// </summary>
public sealed class KmsStandIn : IDisposable
{
    public const string AccessKey = "AKIAKMSSTANDIN00TEST";
    public const string SecretKey = "kms-stand-in-secret/known-to-the-tests";
    public const string Account = "123456789012";

    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, StandInKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KmsCall> _calls = new();
    private int _serverErrors;

    public KmsStandIn(string region = "us-east-1")
    {
        Region = region;
        _server = new LoopbackHttpServer(AnswerAsync);
        Url = $"http://{_server.Authority}";
    }

    /// <summary>The region requests must be signed for, and that key ARNs name.</summary>
    public string Region { get; }

    /// <summary>The base URL, for AWS_ENDPOINT_URL_KMS.</summary>
    public string Url { get; }

    /// <summary>Every request that reached the stand-in, in order, with how it was answered.</summary>
    public IReadOnlyList<KmsCall> Calls => [.. _calls];

    /// <summary>The next <paramref name="count"/> requests are answered 500 KMSInternalException.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _serverErrors, count);

    /// <summary>A URL on which nothing listens: a KMS that cannot be reached.</summary>
    public static string ClosedUrl() => $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}";

    /// <summary>Adds an ECC_NIST_P256 SIGN_VERIFY key with the alias <c>alias/NAME</c>.</summary>
    public StandInKey AddEcKey(string alias) =>
        Add(alias, "ECC_NIST_P256", ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    /// <summary>Adds an RSA_2048 SIGN_VERIFY key, which s3lo must refuse.</summary>
    public StandInKey AddRsaKey(string alias) => Add(alias, "RSA_2048", null, RSA.Create(2048));

    private StandInKey Add(string alias, string spec, ECDsa? ec, RSA? rsa)
    {
        var id = Guid.NewGuid().ToString();
        var key = new StandInKey(id, $"arn:aws:kms:{Region}:{Account}:key/{id}", $"alias/{alias}", spec, ec, rsa);
        _keys[key.Alias] = key;
        _keys[id] = key;
        return key;
    }

    public void Dispose()
    {
        _server.Dispose();
        foreach (var key in _keys.Values.Distinct()) key.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var target = request.Headers["X-Amz-Target"] ?? "";
        var (status, answer) = Answer(request, target, body, out var keyId);
        _calls.Enqueue(new KmsCall(target, keyId, request.Headers["Authorization"] is not null, status, JsonType(answer), body));
        var bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await LoopbackHttpServer.WriteAsync(context, status, bytes, "application/x-amz-json-1.1");
    }

    private (int Status, string Body) Answer(HttpListenerRequest request, string target, byte[] body, out string? keyId)
    {
        keyId = null;
        if (Authenticate(request, body) is { } refused) return refused;
        if (Interlocked.Decrement(ref _serverErrors) >= 0) return Error(500, "KMSInternalException", "stand-in server error");
        if (request.HttpMethod != "POST" || request.Url!.AbsolutePath != "/" || request.ContentType != "application/x-amz-json-1.1")
            return Error(400, "SerializationException", "expected POST / with application/x-amz-json-1.1");
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return Error(400, "SerializationException", "body is not JSON");
        }
        keyId = json.TryGetProperty("KeyId", out var k) ? k.GetString() : null;
        if (keyId is null) return Error(400, "ValidationException", "KeyId is required");
        if (Find(keyId) is not { } key) return Error(400, "NotFoundException", $"Key '{keyId}' does not exist");
        if (key.Fault is { } fault) return Fault(fault, target, key);
        return target switch
        {
            "TrentService.GetPublicKey" => (200, PublicKeyAnswer(key)),
            "TrentService.Sign" => Sign(key, json),
            _ => Error(400, "UnknownOperationException", $"'{target}' is not an operation of this stand-in"),
        };
    }

    private StandInKey? Find(string keyId)
    {
        var name = keyId;
        var prefix = $"arn:aws:kms:{Region}:{Account}:";
        if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        else if (name.StartsWith("arn:", StringComparison.Ordinal)) return null; // another region or account
        if (name.StartsWith("key/", StringComparison.Ordinal)) name = name[4..];
        return _keys.GetValueOrDefault(name);
    }

    private static (int, string) Fault(KmsFault fault, string target, StandInKey key) => fault switch
    {
        KmsFault.AccessDenied => Error(400, "AccessDeniedException",
            $"User: arn:aws:iam::{Account}:user/tester is not authorized to perform: kms:{target.Split('.')[^1]} on resource: {key.Arn} because no identity-based policy allows the action"),
        KmsFault.Disabled => Error(400, "DisabledException", $"{key.Arn} is disabled."),
        KmsFault.PendingDeletion => Error(400, "KMSInvalidStateException", $"{key.Arn} is pending deletion."),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    private static string PublicKeyAnswer(StandInKey key) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["KeyId"] = key.Arn,
        ["PublicKey"] = Convert.ToBase64String(key.SubjectPublicKeyInfo),
        ["KeySpec"] = key.Spec,
        ["CustomerMasterKeySpec"] = key.Spec,
        ["KeyUsage"] = "SIGN_VERIFY",
        ["SigningAlgorithms"] = key.Ec is not null ? new[] { "ECDSA_SHA_256" } : ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PSS_SHA_256"],
    });

    private static (int, string) Sign(StandInKey key, JsonElement json)
    {
        var algorithm = json.TryGetProperty("SigningAlgorithm", out var a) ? a.GetString() : null;
        var type = json.TryGetProperty("MessageType", out var t) ? t.GetString() : "RAW";
        var message = json.TryGetProperty("Message", out var m) ? m.GetBytesFromBase64() : [];
        if (key.Ec is null || algorithm != "ECDSA_SHA_256")
            return Error(400, "InvalidKeyUsageException", $"{algorithm} is not a valid signing algorithm for {key.Spec} key {key.Arn}");
        if (type != "DIGEST" || message.Length != 32)
            return Error(400, "ValidationException", $"this stand-in expects a 32-byte DIGEST, got {type} of {message.Length} bytes");
        var signature = key.Ec.SignHash(message, DSASignatureFormat.Rfc3279DerSequence);
        return (200, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["KeyId"] = key.Arn,
            ["Signature"] = Convert.ToBase64String(signature),
            ["SigningAlgorithm"] = "ECDSA_SHA_256",
        }));
    }

    /// <summary>SigV4 as AWS checks it; null when the request is signed with <see cref="SecretKey"/> for kms in <see cref="Region"/>.</summary>
    private (int, string)? Authenticate(HttpListenerRequest request, byte[] body)
    {
        var authorization = request.Headers["Authorization"];
        if (string.IsNullOrEmpty(authorization)) return Error(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        const string algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(algorithm, StringComparison.Ordinal)) return Error(403, "IncompleteSignatureException", "not AWS4-HMAC-SHA256");
        var parts = authorization[algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
            return Error(403, "IncompleteSignatureException", "Authorization lacks Credential, SignedHeaders or Signature");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request") return Error(403, "IncompleteSignatureException", "malformed credential scope");
        if (scope[0] != AccessKey) return Error(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        if (scope[3] != "kms" || scope[2] != Region)
            return Error(403, "InvalidSignatureException", $"Credential should be scoped to a valid region and service: {scope[2]}/{scope[3]} is not {Region}/kms");
        var amzDate = request.Headers["X-Amz-Date"];
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when)
            || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
            return Error(403, "IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential scope");
        if (Math.Abs((DateTime.UtcNow - when).TotalMinutes) > 15) return Error(403, "InvalidSignatureException", "Signature expired");
        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host") || !headerNames.Contains("x-amz-date"))
            return Error(403, "InvalidSignatureException", "host and x-amz-date must be signed");

        var canonical = new StringBuilder()
            .Append(request.HttpMethod).Append('\n')
            .Append(CanonicalPath(request.Url!.AbsolutePath)).Append('\n')
            .Append(CanonicalQuery(request.Url.Query)).Append('\n');
        foreach (var name in headerNames)
        {
            var value = request.Headers[name];
            if (value is null) return Error(403, "InvalidSignatureException", $"signed header {name} is missing");
            canonical.Append(name).Append(':').Append(string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Hex(SHA256.HashData(body)));
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var signingKey = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), scope[1]), scope[2]), scope[3]), "aws4_request");
        var expected = Encoding.ASCII.GetBytes(Hex(Hmac(signingKey, stringToSign)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature))
            ? null
            : Error(403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private static string CanonicalPath(string path) =>
        string.Join('/', path.Split('/').Select(segment => Uri.EscapeDataString(Uri.UnescapeDataString(segment))));

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: Uri.EscapeDataString(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static (int, string) Error(int status, string type, string message) =>
        (status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));

    private static string? JsonType(string answer)
    {
        using var doc = JsonDocument.Parse(answer);
        return doc.RootElement.TryGetProperty("__type", out var type) ? type.GetString() : null;
    }

    /// <summary>One request: its X-Amz-Target, the KeyId asked for, whether it was signed, and the answer's status and error type.</summary>
    public sealed record KmsCall(string Target, string? KeyId, bool Signed, int Status, string? ErrorType, byte[] Body)
    {
        /// <summary>The Message a Sign request carried (the digest), or null.</summary>
        public byte[]? Message
        {
            get
            {
                using var doc = JsonDocument.Parse(Body);
                return doc.RootElement.TryGetProperty("Message", out var m) ? m.GetBytesFromBase64() : null;
            }
        }
    }

    public enum KmsFault { AccessDenied, Disabled, PendingDeletion }

    public sealed class StandInKey(string id, string arn, string alias, string spec, ECDsa? ec, RSA? rsa) : IDisposable
    {
        public string Id { get; } = id;
        public string Arn { get; } = arn;
        public string Alias { get; } = alias;
        public string Spec { get; } = spec;
        public ECDsa? Ec { get; } = ec;

        /// <summary>When set, every request for this key is answered with the fault.</summary>
        public KmsFault? Fault { get; set; }

        public byte[] SubjectPublicKeyInfo => Ec?.ExportSubjectPublicKeyInfo() ?? rsa!.ExportSubjectPublicKeyInfo();

        public string PublicKeyPem => Ec?.ExportSubjectPublicKeyInfoPem() ?? rsa!.ExportSubjectPublicKeyInfoPem();

        public void Dispose()
        {
            Ec?.Dispose();
            rsa?.Dispose();
        }
    }
}
