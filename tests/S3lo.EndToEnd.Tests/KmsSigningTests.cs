using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// s3lo sign / verify with <c>--key awskms://...</c>, the published binary against
/// <see cref="KmsStandIn"/>: no KMS runs on this machine, so a loopback server that speaks KMS's
/// JSON protocol, holds real P-256 keys and checks SigV4 with the test keys stands in for it
/// (AWS_ENDPOINT_URL_KMS points the binary there). Exit codes: 0 valid, 1 invalid or missing,
/// 2 could not check (or bad input).
/// </summary>
[NonParallelizable]
public sealed class KmsSigningTests
{
    private const string KeyRef = "awskms:///alias/test";

    private static Dictionary<string, string?> Environment(string kmsUrl, string secret = KmsStandIn.SecretKey) => new()
    {
        ["AWS_ENDPOINT_URL_KMS"] = kmsUrl,
        ["AWS_ACCESS_KEY_ID"] = KmsStandIn.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secret,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_DEFAULT_REGION"] = null,
    };

    private static RunResult Run(Dictionary<string, string?> environment, params string[] args) =>
        S3loBinary.Run(args, environment, null);

    /// <summary>A local store holding app:1 (one small image); its manifest digest.</summary>
    private static string StoreWithApp(TempStore store)
    {
        var layout = Path.Combine(store.Parent, "layout");
        var digest = OciLayoutImages.Write(layout, "1", 7);
        var copy = S3loBinary.Run("copy", $"oci:{layout}:1", store.Ref("app:1"));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        return digest;
    }

    private static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    private static string SignaturesDirectory(TempStore store) => Path.Combine(store.Root, "manifests", "app", "1", "signatures");

    [Test]
    public void SignThenVerifyWithTheKmsKey()
    {
        using var kms = new KmsStandIn();
        var key = kms.AddEcKey("test");
        using var store = new TempStore();
        var digest = StoreWithApp(store);
        var env = Environment(kms.Url);

        var sign = Run(env, "sign", store.Ref("app:1"), "--key", KeyRef);
        Assert.That(sign.ExitCode, Is.EqualTo(0), sign.ToString);
        Assert.That(sign.StdoutLines, Has.Some.StartWith("Signed "));

        // The signature file, named by the key's ID, as a user (or s3lo v1) reads it.
        var keyId = KeyIdOf(key.SubjectPublicKeyInfo);
        var file = Path.Combine(SignaturesDirectory(store), keyId + ".json");
        Assert.That(Directory.GetFiles(SignaturesDirectory(store)), Is.EqualTo(new[] { file }));
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var root = document.RootElement;
        Assert.That(root.GetProperty("keyID").GetString(), Is.EqualTo(keyId));
        Assert.That(root.GetProperty("keyRef").GetString(), Is.EqualTo(KeyRef));
        Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(digest));
        Assert.That(root.GetProperty("algorithm").GetString(), Is.EqualTo("ECDSA_SHA_256"));
        var payload = Convert.FromBase64String(root.GetProperty("payload").GetString()!);
        Assert.That(Encoding.ASCII.GetString(payload), Is.EqualTo(digest + "\n"));
        var signature = Convert.FromBase64String(root.GetProperty("signature").GetString()!);
        Assert.That(key.Ec!.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.True,
            "the stand-in's key verifies what KMS signed");
        // KMS saw only the digest of the payload.
        Assert.That(kms.Calls.Where(c => c.Target == "TrentService.Sign").Select(c => c.Message), Is.EqualTo(new[] { SHA256.HashData(payload) }));

        var verify = Run(env, "verify", store.Ref("app:1"), "--key", KeyRef);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString);
        Assert.That(verify.StdoutLines, Has.Some.StartWith("Verified OK: "));
        Assert.That(kms.Calls.All(c => c is { Signed: true, Status: 200 }), Is.True, "every KMS call was signed with the test keys");
    }

    [Test]
    public void VerifyWithAnotherKeysPemFails()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        using var store = new TempStore();
        StoreWithApp(store);
        Assert.That(Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", KeyRef).ExitCode, Is.EqualTo(0));

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pub = Path.Combine(store.Parent, "other.pub");
        File.WriteAllText(pub, other.ExportSubjectPublicKeyInfoPem());

        var verify = Run(Environment(kms.Url), "verify", store.Ref("app:1"), "--key", pub);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.ToString);
        Assert.That(verify.StdoutLines, Has.None.StartWith("Verified OK: "));
    }

    [Test]
    public void TheStandInsPublicKeyAsPemVerifiesWhatKmsSigned()
    {
        using var kms = new KmsStandIn();
        var key = kms.AddEcKey("test");
        using var store = new TempStore();
        StoreWithApp(store);
        Assert.That(Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", KeyRef).ExitCode, Is.EqualTo(0));

        var pub = Path.Combine(store.Parent, "kms.pub");
        File.WriteAllText(pub, key.PublicKeyPem);
        var verify = Run(Environment(KmsStandIn.ClosedUrl()), "verify", store.Ref("app:1"), "--key", pub);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString);
        Assert.That(verify.StdoutLines, Has.Some.StartWith("Verified OK: "));
    }

    [Test]
    public void AKeyServiceThatIsDownAtVerifyCouldNotCheck()
    {
        var store = new TempStore();
        using var _ = store;
        using (var kms = new KmsStandIn())
        {
            kms.AddEcKey("test");
            StoreWithApp(store);
            Assert.That(Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", KeyRef).ExitCode, Is.EqualTo(0));
        }

        var down = KmsStandIn.ClosedUrl();
        var verify = Run(Environment(down), "verify", store.Ref("app:1"), "--key", KeyRef);
        Assert.That(verify.ExitCode, Is.EqualTo(2), verify.ToString);
        Assert.That(verify.StderrLines, Has.Some.StartWith($"error: cannot reach {down} for KMS key alias/test: "));
        Assert.That(verify.StdoutLines, Has.None.StartWith("Verified OK: "));
    }

    [Test]
    public void KmsFailuresAtSignAreOneLineAndWriteNothing()
    {
        using var kms = new KmsStandIn();
        kms.AddEcKey("test");
        kms.AddRsaKey("rsa");
        using var store = new TempStore();
        StoreWithApp(store);

        var rsa = Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", "awskms:///alias/rsa");
        Assert.That(rsa.ExitCode, Is.EqualTo(2), rsa.ToString);
        Assert.That(rsa.StderrLines[0], Is.EqualTo("error: KMS key alias/rsa is a RSA_2048 key for SIGN_VERIFY; s3lo signs with ECC_NIST_P256 keys for SIGN_VERIFY"));

        var missing = Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", "awskms:///alias/missing");
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString);
        Assert.That(missing.StderrLines[0], Is.EqualTo($"error: KMS key alias/missing does not exist in {kms.Url}"));

        var wrongSecret = Run(Environment(kms.Url, secret: "not-the-secret"), "sign", store.Ref("app:1"), "--key", KeyRef);
        Assert.That(wrongSecret.ExitCode, Is.EqualTo(1), wrongSecret.ToString);
        Assert.That(wrongSecret.StderrLines[0],
            Is.EqualTo($"error: kms:GetPublicKey denied on KMS key alias/test: {kms.Url} rejected the credentials from the environment (AWS_ACCESS_KEY_ID) (InvalidSignatureException)"));

        var malformed = Run(Environment(kms.Url), "sign", store.Ref("app:1"), "--key", "awskms://alias/test");
        Assert.That(malformed.ExitCode, Is.EqualTo(2), malformed.ToString);
        Assert.That(malformed.StderrLines[0], Does.StartWith("error: 'awskms://alias/test' names no KMS key"));

        foreach (var r in new[] { rsa, missing, wrongSecret, malformed })
            Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.Exists(SignaturesDirectory(store)) ? Directory.GetFiles(SignaturesDirectory(store)) : [], Is.Empty);
    }
}
