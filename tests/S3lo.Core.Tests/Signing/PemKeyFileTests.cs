using System.Security.Cryptography;
using S3lo.Core.Errors;
using S3lo.Core.Signing;

namespace S3lo.Core.Tests.Signing;

/// <summary>Key files as keygen writes them and as users bring them: only ECDSA P-256, every problem one line naming the file.</summary>
[TestFixture]
public class PemKeyFileTests
{
    private TempDir _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDir("keys");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void AGeneratedPairOpensWithItsPasswordAndBothHalvesAgree()
    {
        var prefix = _temp.File("cosign");
        var keyId = KeyPairFiles.Write(prefix, "s3cret", force: false);

        var key = PemKeyFile.Read(prefix + ".key");
        Assert.That(key.Label, Is.EqualTo("ENCRYPTED PRIVATE KEY"));
        using var opened = key.OpenPrivate("s3cret");
        Assert.That(P256.IsP256(opened), Is.True);
        var fromPublicFile = PemKeyFile.Read(prefix + ".pub").PublicKeyInfo(() => throw new AssertionException("a .pub needs no password"));
        Assert.That(opened.ExportSubjectPublicKeyInfo(), Is.EqualTo(fromPublicFile));
        Assert.That(KeyId.Of(fromPublicFile), Is.EqualTo(keyId));
        Assert.That(keyId, Does.Match("^[0-9a-f]{16}$"));

        // What one half signs, the other verifies (DER, as the signature file stores it).
        var data = "sha256:00\n"u8.ToArray();
        var signature = opened.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var pub = P256.ImportPublic(fromPublicFile, "test");
        Assert.That(P256.Verify(pub, data, signature), Is.True);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheFilesGetTheirModesAndAreNotOverwrittenWithoutForce()
    {
        var prefix = _temp.File("k");
        var first = KeyPairFiles.Write(prefix, "", force: false);
        Assert.That(File.GetUnixFileMode(prefix + ".key"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(prefix + ".pub"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));

        var refused = Assert.Throws<S3loException>(() => KeyPairFiles.Write(prefix, "", force: false))!;
        Assert.That(refused.Message, Is.EqualTo($"{prefix}.key and {prefix}.pub already exist"));
        Assert.That(KeyId.Of(PemKeyFile.Read(prefix + ".pub").PublicKeyInfo(() => "")), Is.EqualTo(first));

        var second = KeyPairFiles.Write(prefix, "", force: true);
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(File.GetUnixFileMode(prefix + ".key"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(_temp.Files().Where(f => f.EndsWith(".s3lo-tmp")), Is.Empty);
    }

    [Test]
    public void AWrongPasswordIsOneLineNamingTheFile()
    {
        var prefix = _temp.File("cosign");
        KeyPairFiles.Write(prefix, "right", force: false);
        var e = Assert.Throws<UsageException>(() => PemKeyFile.Read(prefix + ".key").OpenPrivate("wrong"))!;
        Assert.That(e.Message, Is.EqualTo($"cannot open key file {prefix}.key: wrong password (or the file is damaged)"));
        // The key is really encrypted: .NET itself cannot import it without the password.
        using var raw = ECDsa.Create();
        Assert.Throws<CryptographicException>(() => raw.ImportFromEncryptedPem(File.ReadAllText(prefix + ".key"), ""));
    }

    [Test]
    public void AnUnencryptedPkcs8KeySigns()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = _temp.File("plain.key");
        File.WriteAllText(path, ec.ExportPkcs8PrivateKeyPem());
        var file = PemKeyFile.Read(path);
        Assert.That(file.IsEncrypted, Is.False);
        using var opened = file.OpenPrivate("");
        Assert.That(opened.ExportSubjectPublicKeyInfo(), Is.EqualTo(ec.ExportSubjectPublicKeyInfo()));
    }

    [Test]
    public void RsaKeysAreRefusedWhateverTheirWrapping()
    {
        using var rsa = RSA.Create(2048);
        var pkcs1 = Write("rsa1.key", rsa.ExportRSAPrivateKeyPem());
        var pkcs8 = Write("rsa8.key", rsa.ExportPkcs8PrivateKeyPem());
        var encrypted = Write("rsae.key", rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", KeyPairFiles.Encryption));
        var pub = Write("rsa.pub", rsa.ExportSubjectPublicKeyInfoPem());

        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(pkcs1))!.Message, Is.EqualTo($"key file {pkcs1} holds an RSA key, not ECDSA P-256"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(pkcs8).OpenPrivate(""))!.Message, Is.EqualTo($"key file {pkcs8} holds an RSA key, not ECDSA P-256"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(encrypted).OpenPrivate("pw"))!.Message, Is.EqualTo($"key file {encrypted} holds an RSA key, not ECDSA P-256"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(pub).PublicKeyInfo(() => ""))!.Message, Is.EqualTo($"key file {pub} holds an RSA key, not ECDSA P-256"));
    }

    [Test]
    public void OtherCurvesGarbageAndMissingFilesAreUsageErrors()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var other = Write("p384.key", p384.ExportPkcs8PrivateKeyPem());
        var garbage = Write("garbage.key", "not a key at all\n");
        var cert = Write("cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var missing = _temp.File("missing.key");

        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(other).OpenPrivate(""))!.Message, Is.EqualTo($"key file {other} is an ECDSA key of 384 bits, not P-256"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(garbage))!.Message, Is.EqualTo($"key file {garbage} is not a PEM key file"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(cert))!.Message, Is.EqualTo($"key file {cert} holds a PEM 'CERTIFICATE', not a key"));
        Assert.That(Assert.Throws<UsageException>(() => PemKeyFile.Read(missing))!.Message, Is.EqualTo($"key file {missing} does not exist"));
    }

    [Test]
    public void APrivateKeyFileYieldsItsPublicHalfOnlyWithThePassword()
    {
        var prefix = _temp.File("cosign");
        KeyPairFiles.Write(prefix, "pw", force: false);
        var expected = PemKeyFile.Read(prefix + ".pub").PublicKeyInfo(() => "");
        var asked = 0;
        Assert.That(PemKeyFile.Read(prefix + ".key").PublicKeyInfo(() => { asked++; return "pw"; }), Is.EqualTo(expected));
        Assert.That(asked, Is.EqualTo(1));
        Assert.Throws<UsageException>(() => PemKeyFile.Read(prefix + ".key").PublicKeyInfo(() => "nope"));
    }

    private string Write(string name, string text)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }
}
