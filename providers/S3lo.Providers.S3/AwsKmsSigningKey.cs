using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Signing;

namespace S3lo.Providers.S3;

/// <summary>
/// A signing key held in AWS KMS: the private half never leaves it. Signing hashes the payload here
/// and sends only the SHA-256 digest (MessageType DIGEST, ECDSA_SHA_256); KMS answers with the DER
/// signature. The public half is fetched once (GetPublicKey) and must be an ECC_NIST_P256 key for
/// SIGN_VERIFY. Credentials come from the AWS default chain, as for s3:// stores, at the first call.
/// </summary>
internal sealed class AwsKmsSigningKey : ISigningKey, IDisposable
{
    private const int MaxRetries = 3;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly AwsKmsKeyRef _key;
    private readonly Uri? _endpoint;
    private readonly string _region;
    private readonly Func<CancellationToken, Task<AWSCredentials>> _credentials;
    private readonly ILogger _logger;
    private readonly AwsKmsErrors _errors;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AmazonKeyManagementServiceClient? _client;
    private string? _credentialSource;
    private byte[]? _publicKey;

    public AwsKmsSigningKey(AwsKmsKeyRef key, Uri? endpoint, string region, Func<CancellationToken, Task<AWSCredentials>> credentials, ILogger logger)
    {
        _key = key;
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _logger = logger;
        _errors = new AwsKmsErrors(key, endpoint, region);
    }

    public string KeyRef => _key.Text;

    /// <summary>Where requests go: the endpoint (null for AWS itself) and the region they are signed for.</summary>
    public Uri? Endpoint => _endpoint;

    public string Region => _region;

    public async Task<byte[]> GetSubjectPublicKeyInfoAsync(CancellationToken ct)
    {
        if (_publicKey is { } known) return known;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_publicKey is { } raced) return raced;
            var client = await ClientAsync(ct).ConfigureAwait(false);
            var response = await CallAsync("kms:GetPublicKey",
                () => client.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = _key.KeyId }, ct), ct).ConfigureAwait(false);
            _publicKey = Check(response);
            return _publicKey;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<byte[]> SignAsync(byte[] payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        // The key's spec first: an RSA or encryption key gets the line naming its spec, not KMS's refusal.
        await GetSubjectPublicKeyInfoAsync(ct).ConfigureAwait(false);
        var client = await ClientAsync(ct).ConfigureAwait(false);
        using var digest = new MemoryStream(SHA256.HashData(payload), writable: false);
        var response = await CallAsync("kms:Sign", () => client.SignAsync(new SignRequest
        {
            KeyId = _key.KeyId,
            Message = digest,
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }, ct), ct).ConfigureAwait(false);
        if (response.Signature is not { Length: > 0 } signature)
            throw new S3loException($"KMS answered kms:Sign for key {_key.KeyId} without a signature");
        return signature.ToArray();
    }

    private byte[] Check(GetPublicKeyResponse response)
    {
        var spec = response.KeySpec?.Value ?? "(none)";
        var usage = response.KeyUsage?.Value ?? "(none)";
        if (spec != KeySpec.ECC_NIST_P256.Value || usage != KeyUsageType.SIGN_VERIFY.Value)
            throw new UsageException($"KMS key {_key.KeyId} is a {spec} key for {usage}; s3lo signs with ECC_NIST_P256 keys for SIGN_VERIFY",
                "create one with: aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY");
        var spki = response.PublicKey?.ToArray() ?? [];
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || ecdsa.KeySize != 256) throw new CryptographicException("not a P-256 SubjectPublicKeyInfo");
        }
        catch (CryptographicException e)
        {
            throw new S3loException($"KMS answered kms:GetPublicKey for key {_key.KeyId} with an unreadable public key: {e.Message}", inner: e);
        }
        return spki;
    }

    private async Task<T> CallAsync<T>(string action, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (_errors.Translate(e, action, _credentialSource, ct) is { } error)
        {
            throw error;
        }
    }

    private async Task<AmazonKeyManagementServiceClient> ClientAsync(CancellationToken ct)
    {
        if (_client is { } client) return client;
        // The chain's failures (none found, a bad profile) are already one line naming the source.
        var credentials = await _credentials(ct).ConfigureAwait(false);
        _credentialSource = (credentials as SourcedAwsCredentials)?.Source;
        var config = new AmazonKeyManagementServiceConfig
        {
            // Standard mode: exponential backoff with jitter on throttling, 5xx and connection errors.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = MaxRetries,
            HttpClientFactory = new S3HttpClientFactory(_logger, RequestTimeout, "kms"),
            ConnectTimeout = RequestTimeout,
        };
        if (_endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(_region);
        }
        else
        {
            config.ServiceURL = _endpoint.ToString();
            config.AuthenticationRegion = _region;
        }
        var created = new AmazonKeyManagementServiceClient(credentials, config);
        if (Interlocked.CompareExchange(ref _client, created, null) is { } other)
        {
            created.Dispose();
            return other;
        }
        return created;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }
}
