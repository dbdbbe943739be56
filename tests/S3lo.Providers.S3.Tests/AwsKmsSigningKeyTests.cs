using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using S3lo.Core.Errors;
using S3lo.Core.Signing;
using static S3lo.Tests.Shared.KmsStandIn;

namespace S3lo.Providers.S3.Tests;

/// <summary>
/// awskms:// keys against <see cref="KmsStandIn"/>: no KMS runs on this machine, so a loopback
/// server with real P-256 keys and a real SigV4 check stands in for it. What the key signs is
/// checked with .NET's ECDsa and the stand-in's public key, not with anything of s3lo's.
/// </summary>
[TestFixture]
[NonParallelizable] // environment variables
public sealed class AwsKmsSigningKeyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes("sha256:" + new string('a', 64) + "\n");

    private TempDir _home = null!;

    [SetUp]
    public void EmptyHome() => _home = new TempDir("kms-home");

    [TearDown]
    public void RemoveHome() => _home.Dispose();

    /// <summary>Nothing of the machine's AWS setup (the Ceph keys, an endpoint, a profile) leaks into a test.</summary>
    private EnvironmentScope CleanEnvironment(string? kmsEndpoint)
    {
        var scope = new EnvironmentScope();
        foreach (var name in new[]
                 {
                     "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                     "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 })
            scope.Set(name, null);
        return scope.Set("HOME", _home.Path)
            .Set("AWS_CONFIG_FILE", _home.File("config"))
            .Set("AWS_SHARED_CREDENTIALS_FILE", _home.File("credentials"))
            .Set("AWS_EC2_METADATA_DISABLED", "true")
            .Set("AWS_ENDPOINT_URL_KMS", kmsEndpoint);
    }

    private static AwsKmsKeyScheme Scheme(string secret = SecretKey) =>
        new() { Credentials = new BasicAWSCredentials(AccessKey, secret) };

    private AwsKmsSigningKey Open(KmsStandIn kms, string keyRef, string secret = SecretKey)
    {
        using var _ = CleanEnvironment(kms.Url);
        return Scheme(secret).OpenKey(keyRef);
    }

    private static void AssertOneLine(S3loException error)
    {
        Assert.That(error.Message, Does.Not.Contain('\n'));
        Assert.That(error.Hint ?? "", Does.Not.Contain('\n'));
    }

    private static bool Verifies(byte[] subjectPublicKeyInfo, byte[] payload, byte[] derSignature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return ecdsa.VerifyData(payload, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    [Test]
    public async Task ASignatureFromKmsVerifiesWithTheKeysPublicHalf()
    {
        using var kms = new KmsStandIn();
        var standIn = kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/test");

        var signature = await key.SignAsync(Payload, None);
        var spki = await key.GetSubjectPublicKeyInfoAsync(None);

        Assert.That(spki, Is.EqualTo(standIn.SubjectPublicKeyInfo));
        Assert.That(KeyId.Of(spki), Is.EqualTo(KeyId.Of(standIn.SubjectPublicKeyInfo)).And.Length.EqualTo(16));
        Assert.That(key.KeyRef, Is.EqualTo("awskms:///alias/test"));
        Assert.That(Verifies(standIn.SubjectPublicKeyInfo, Payload, signature), Is.True, "DER ECDSA P-256 over SHA-256 of the payload");
        Assert.That(Verifies(standIn.SubjectPublicKeyInfo, Encoding.ASCII.GetBytes("sha256:" + new string('b', 64) + "\n"), signature), Is.False);
        // Only the digest went to KMS, never the payload itself.
        var sign = kms.Calls.Single(c => c.Target == "TrentService.Sign");
        Assert.That(sign.Message, Is.EqualTo(SHA256.HashData(Payload)));
        Assert.That(Encoding.UTF8.GetString(sign.Body), Does.Contain("\"MessageType\":\"DIGEST\"").And.Contain("\"SigningAlgorithm\":\"ECDSA_SHA_256\""));
        Assert.That(kms.Calls.All(c => c is { Signed: true, Status: 200 }), Is.True);
    }

    [Test]
    public async Task ThePublicKeyIsFetchedOnce()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/test");

        var first = await key.GetSubjectPublicKeyInfoAsync(None);
        await key.SignAsync(Payload, None);
        await key.SignAsync(Payload, None);
        var again = await key.GetSubjectPublicKeyInfoAsync(None);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(kms.Calls.Select(c => c.Target), Is.EqualTo(new[] { "TrentService.GetPublicKey", "TrentService.Sign", "TrentService.Sign" }));
    }

    [Test]
    public async Task AnArnNamesTheRegionTheRequestsAreSignedFor()
    {
        using var kms = new KmsStandIn(region: "eu-west-1");
        var standIn = kms.AddEcKey("release");
        foreach (var keyRef in new[] { $"awskms:///{standIn.Arn}", $"awskms:///arn:aws:kms:eu-west-1:{Account}:alias/release" })
        {
            using var _ = CleanEnvironment(kms.Url).Set("AWS_REGION", "us-east-1");
            using var key = Scheme().OpenKey(keyRef);
            Assert.That(key.Region, Is.EqualTo("eu-west-1"));
            Assert.That(Verifies(standIn.SubjectPublicKeyInfo, Payload, await key.SignAsync(Payload, None)), Is.True, keyRef);
        }

        // A bare key ID takes the configured region: us-east-1 is not where the key is.
        using (CleanEnvironment(kms.Url).Set("AWS_REGION", "us-east-1"))
        {
            using var wrong = Scheme().OpenKey($"awskms:///{standIn.Id}");
            var error = Assert.ThrowsAsync<S3loException>(() => wrong.GetSubjectPublicKeyInfoAsync(None))!;
            Assert.That(error.Message, Does.Contain("rejected").And.Contain("InvalidSignatureException"));
        }
        using (CleanEnvironment(kms.Url).Set("AWS_DEFAULT_REGION", "eu-west-1"))
        {
            using var right = Scheme().OpenKey($"awskms:///{standIn.Id}");
            Assert.That(await right.GetSubjectPublicKeyInfoAsync(None), Is.EqualTo(standIn.SubjectPublicKeyInfo));
        }
    }

    [Test]
    public void AWrongSecretIsRejectedCredentialsInOneLine()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/test", secret: "not-the-secret");

        var error = Assert.ThrowsAsync<S3loException>(() => key.SignAsync(Payload, None))!;

        Assert.That(error, Is.TypeOf<S3loException>(), "denied, not unavailable: verify exits 1, not 2");
        Assert.That(error.Message, Is.EqualTo($"kms:GetPublicKey denied on KMS key alias/test: {kms.Url} rejected the credentials in use (InvalidSignatureException)"));
        Assert.That(error.Hint, Does.Contain("AWS_SECRET_ACCESS_KEY"));
        AssertOneLine(error);
        Assert.That(kms.Calls, Has.Count.EqualTo(1));
        Assert.That(kms.Calls[0], Has.Property("Signed").True.And.Property("Status").EqualTo(403));
    }

    [Test]
    public void AnUnknownAccessKeyIsRejectedToo()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var _ = CleanEnvironment(kms.Url);
        using var key = new AwsKmsKeyScheme { Credentials = new BasicAWSCredentials("AKIAOTHERKEY00000000", SecretKey) }.OpenKey("awskms:///alias/test");

        var error = Assert.ThrowsAsync<S3loException>(() => key.GetSubjectPublicKeyInfoAsync(None))!;
        Assert.That(error.Message, Does.EndWith("rejected the credentials in use (UnrecognizedClientException)"));
    }

    [TestCase("awskms:///alias/test", "alias/test", null, null)]
    [TestCase("awskms:///alias/team/release_key-2", "alias/team/release_key-2", null, null)]
    [TestCase("awskms:///1234abcd-12ab-34cd-56ef-1234567890ab", "1234abcd-12ab-34cd-56ef-1234567890ab", null, null)]
    [TestCase("awskms:///mrk-1234abcd12ab34cd56ef1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab", null, null)]
    [TestCase("awskms:///arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "eu-west-1", null)]
    [TestCase("awskms:///arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/release", "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/release", "us-gov-west-1", null)]
    [TestCase("awskms://kms.example.com/alias/test", "alias/test", null, "https://kms.example.com/")]
    [TestCase("awskms://localhost:4566/arn:aws:kms:us-east-1:123456789012:key/abc", "arn:aws:kms:us-east-1:123456789012:key/abc", "us-east-1", "https://localhost:4566/")]
    public void GoodReferencesParse(string text, string keyId, string? region, string? endpoint)
    {
        var parsed = AwsKmsKeyRef.Parse(text);
        Assert.That(parsed.Text, Is.EqualTo(text));
        Assert.That(parsed.KeyId, Is.EqualTo(keyId));
        Assert.That(parsed.Region, Is.EqualTo(region));
        Assert.That(parsed.Endpoint?.ToString(), Is.EqualTo(endpoint));
    }

    [TestCase("awskms://", "names no KMS key")]
    [TestCase("awskms:///", "names no KMS key")]
    [TestCase("awskms://alias/test", "the key goes after a third slash")]
    [TestCase("awskms://arn:aws:kms:eu-west-1:123456789012:key/abc", "the key goes after a third slash")]
    [TestCase("awskms:///alias/", "is neither alias/NAME")]
    [TestCase("awskms:///alias/a b", "is neither alias/NAME")]
    [TestCase("awskms:///key/1234", "is neither alias/NAME")]
    [TestCase("awskms:///arn:aws:kms:eu-west-1:1234:key/abc", "is neither alias/NAME")]
    [TestCase("awskms:///arn:aws:s3:::bucket", "is neither alias/NAME")]
    [TestCase("awskms://user@host/alias/test", "where the endpoint host goes")]
    [TestCase("gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", "must start with awskms://")]
    public void BadReferencesAreUsageErrorsNamingTheReference(string text, string problem)
    {
        using var _ = CleanEnvironment(null);
        var error = Assert.Throws<UsageException>(() => Scheme().Open(text))!;
        Assert.That(error.Message, Does.Contain($"'{text}'").And.Contain(problem));
        Assert.That(error.Hint, Does.Contain("awskms:///alias/NAME"));
        AssertOneLine(error);
    }

    [Test]
    public void AMissingKeyIsNotFound()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/missing");

        var error = Assert.ThrowsAsync<NotFoundException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error.Message, Is.EqualTo($"KMS key alias/missing does not exist in {kms.Url}"));
        AssertOneLine(error);
    }

    [TestCase(KmsFault.Disabled, "KMS key alias/test is disabled", "aws kms enable-key")]
    [TestCase(KmsFault.AccessDenied, "kms:GetPublicKey denied on KMS key alias/test", "grant kms:GetPublicKey")]
    [TestCase(KmsFault.PendingDeletion, "KMS key alias/test cannot be used in its current state: ", "pending deletion")]
    public void AnUnusableKeyIsOneLine(KmsFault fault, string message, string hint)
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test").Fault = fault;
        using var key = Open(kms, "awskms:///alias/test");

        var error = Assert.ThrowsAsync<S3loException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error, Is.TypeOf<S3loException>());
        Assert.That(error.Message, Does.StartWith(message));
        Assert.That(error.Hint, Does.Contain(hint));
        AssertOneLine(error);
    }

    [Test]
    public void SigningAccessDeniedNamesKmsSign()
    {
        using var kms = new KmsStandIn();
        var standIn = kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/test");
        Assert.That(key.GetSubjectPublicKeyInfoAsync(None).Result, Is.EqualTo(standIn.SubjectPublicKeyInfo));
        standIn.Fault = KmsFault.AccessDenied;

        var error = Assert.ThrowsAsync<S3loException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error.Message, Is.EqualTo("kms:Sign denied on KMS key alias/test"));
        Assert.That(error.Hint, Does.StartWith("grant kms:Sign on the key to the credentials in use"));
    }

    [Test]
    public void AnRsaKeyIsRefusedNamingItsSpecBeforeAnythingIsSigned()
    {
        using var kms = new KmsStandIn();
        kms.AddRsaKey("rsa");
        using var key = Open(kms, "awskms:///alias/rsa");

        var sign = Assert.ThrowsAsync<UsageException>(() => key.SignAsync(Payload, None))!;
        var spki = Assert.ThrowsAsync<UsageException>(() => key.GetSubjectPublicKeyInfoAsync(None))!;

        foreach (var error in new[] { sign, spki })
        {
            Assert.That(error.Message, Is.EqualTo("KMS key alias/rsa is a RSA_2048 key for SIGN_VERIFY; s3lo signs with ECC_NIST_P256 keys for SIGN_VERIFY"));
            Assert.That(error.Hint, Does.Contain("aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY"));
        }
        Assert.That(kms.Calls.Select(c => c.Target), Has.None.EqualTo("TrentService.Sign"));
    }

    [Test]
    public void AnUnreachableKeyServiceIsKeyServiceUnavailable()
    {
        var closed = ClosedUrl();
        using var _ = CleanEnvironment(closed);
        using var key = Scheme().OpenKey("awskms:///alias/test");

        var error = Assert.ThrowsAsync<KeyServiceUnavailableException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error.Message, Does.StartWith($"cannot reach {closed} for KMS key alias/test: "));
        Assert.That(error.Hint, Does.Contain("AWS_ENDPOINT_URL_KMS"));
        AssertOneLine(error);
    }

    [Test]
    public async Task ServerErrorsAreRetriedThenKeyServiceUnavailable()
    {
        using var kms = new KmsStandIn();
        var standIn = kms.AddEcKey("test");
        using var key = Open(kms, "awskms:///alias/test");

        kms.FailNext(2);
        Assert.That(await key.GetSubjectPublicKeyInfoAsync(None), Is.EqualTo(standIn.SubjectPublicKeyInfo), "two 500s, then an answer");
        Assert.That(kms.Calls.Select(c => c.Status), Is.EqualTo(new[] { 500, 500, 200 }));

        kms.FailNext(100);
        var error = Assert.ThrowsAsync<KeyServiceUnavailableException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error.Message, Is.EqualTo($"kms:Sign on KMS key alias/test failed after retries: {kms.Url} answered KMSInternalException"));
        Assert.That(kms.Calls.Count(c => c.Target == "TrentService.Sign"), Is.EqualTo(4), "the first attempt and three retries");
    }

    [Test]
    public async Task AwsEndpointUrlKmsIsHonouredBeforeAwsEndpointUrl()
    {
        using var kms = new KmsStandIn();
        var standIn = kms.AddEcKey("test");

        using (CleanEnvironment(kms.Url).Set("AWS_ENDPOINT_URL", ClosedUrl()))
        {
            using var key = Scheme().OpenKey("awskms:///alias/test");
            Assert.That(key.Endpoint, Is.EqualTo(new Uri(kms.Url)));
            Assert.That(Verifies(standIn.SubjectPublicKeyInfo, Payload, await key.SignAsync(Payload, None)), Is.True);
        }
        using (CleanEnvironment(null).Set("AWS_ENDPOINT_URL", kms.Url))
        {
            using var key = Scheme().OpenKey("awskms:///alias/test");
            Assert.That(await key.GetSubjectPublicKeyInfoAsync(None), Is.EqualTo(standIn.SubjectPublicKeyInfo));
        }
        using (CleanEnvironment("ftp://kms.example.com"))
        {
            var error = Assert.Throws<UsageException>(() => Scheme().Open("awskms:///alias/test"))!;
            Assert.That(error.Message, Is.EqualTo("AWS_ENDPOINT_URL_KMS 'ftp://kms.example.com' is not an http(s) URL"));
        }
    }

    [Test]
    public void AnEndpointInTheReferenceIsHttpsAndWinsOverTheEnvironment()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        var port = LoopbackHttpServer.FreePort();
        using var _ = CleanEnvironment(kms.Url);
        using var key = Scheme().OpenKey($"awskms://127.0.0.1:{port}/alias/test");

        Assert.That(key.Endpoint, Is.EqualTo(new Uri($"https://127.0.0.1:{port}/")));
        var error = Assert.ThrowsAsync<KeyServiceUnavailableException>(() => key.GetSubjectPublicKeyInfoAsync(None))!;
        Assert.That(error.Message, Does.StartWith($"cannot reach https://127.0.0.1:{port} for KMS key alias/test"));
        Assert.That(kms.Calls, Is.Empty);
    }

    [Test]
    public async Task TheDefaultCredentialChainSignsTheRequests()
    {
        using var kms = new KmsStandIn();
        var standIn = kms.AddEcKey("test");
        using var _ = CleanEnvironment(kms.Url).Set("AWS_ACCESS_KEY_ID", AccessKey).Set("AWS_SECRET_ACCESS_KEY", SecretKey);
        using var key = (AwsKmsSigningKey)new AwsKmsKeyScheme().Open("awskms:///alias/test");

        Assert.That(Verifies(standIn.SubjectPublicKeyInfo, Payload, await key.SignAsync(Payload, None)), Is.True);
    }

    [Test]
    public void NoCredentialsIsOneLine()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var _ = CleanEnvironment(kms.Url);
        var key = new AwsKmsKeyScheme().Open("awskms:///alias/test");

        var error = Assert.ThrowsAsync<S3loException>(() => key.SignAsync(Payload, None))!;
        Assert.That(error.Message, Does.StartWith("no AWS credentials found (tried environment variables"));
        AssertOneLine(error);
        Assert.That(kms.Calls, Is.Empty);
    }

    [Test]
    public void NoRegionWithoutAnEndpointIsAUsageError()
    {
        using var _ = CleanEnvironment(null);
        var error = Assert.Throws<UsageException>(() => Scheme().Open("awskms:///alias/test"))!;
        Assert.That(error.Message, Is.EqualTo("no AWS region for KMS key alias/test"));
        Assert.That(error.Hint, Does.Contain("AWS_REGION"));

        using var withRegion = CleanEnvironment(null).Set("AWS_REGION", "ap-southeast-2");
        using var key = Scheme().OpenKey("awskms:///alias/test");
        Assert.That((key.Region, key.Endpoint), Is.EqualTo(("ap-southeast-2", (Uri?)null)));
    }

    [Test]
    public void AddAwsKmsKeysRegistersTheScheme()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddAwsKmsKeys();
        var registered = services.Single(d => d.ServiceType == typeof(IKmsKeyScheme));
        Assert.That(registered.ImplementationType, Is.EqualTo(typeof(AwsKmsKeyScheme)));
        Assert.That(new AwsKmsKeyScheme().Scheme, Is.EqualTo("awskms"));
    }
}
