using System.Security.Cryptography;
using S3lo.Core.Errors;
using S3lo.Core.Signing;

namespace S3lo.Core.Tests.Signing;

[TestFixture]
public class SigningKeysTests
{
    [Test]
    public void ARegisteredSchemeOpensItsKeyAndAnUnknownOneListsTheKnown()
    {
        // A key service stand-in: no KMS runs here; the key behind it is a real in-memory P-256 key.
        var scheme = new InMemoryScheme("testkms");
        var keys = new SigningKeys([scheme]);

        var key = keys.OpenSigning("testkms:///alias/release", _ => throw new AssertionException("a key service needs no password"));
        Assert.That(key.KeyRef, Is.EqualTo("testkms:///alias/release"));
        Assert.That(scheme.Opened, Is.EqualTo(new[] { "testkms:///alias/release" }));
        Assert.That(keys.OpenPublic("testkms:///alias/release", _ => "").KeyRef, Is.EqualTo("testkms:///alias/release"));

        var unknown = Assert.Throws<UsageException>(() => keys.OpenSigning("gcpkms://projects/p/keys/k", _ => ""))!;
        Assert.That(unknown.Message, Is.EqualTo("--key gcpkms://projects/p/keys/k: 'gcpkms' is not a key service s3lo knows"));
        Assert.That(unknown.Hint, Is.EqualTo("key services: testkms://; or pass a key file"));
    }

    [Test]
    public void APlainPathIsAKeyFileAndItsPasswordIsAskedOnlyWhenEncrypted()
    {
        using var temp = new TempDir("keys");
        KeyPairFiles.Write(temp.File("enc"), "pw", force: false);
        using var plain = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(temp.File("plain.key"), plain.ExportPkcs8PrivateKeyPem());
        var keys = new SigningKeys([]);

        var asked = new List<string>();
        using (var k = (PemSigningKey)keys.OpenSigning(temp.File("enc.key"), p => { asked.Add(p); return "pw"; })) { }
        using (var k = (PemSigningKey)keys.OpenSigning(temp.File("plain.key"), p => { asked.Add(p); return "pw"; })) { }
        Assert.That(asked, Is.EqualTo(new[] { temp.File("enc.key") }));
        Assert.That(Assert.Throws<UsageException>(() => keys.OpenSigning(temp.File("enc.pub"), _ => ""))!.Message,
            Is.EqualTo($"key file {temp.File("enc.pub")} holds a public key: signing needs the private key"));
    }

    private sealed class InMemoryScheme(string name) : IKmsKeyScheme
    {
        public List<string> Opened { get; } = [];
        public string Scheme => name;

        public ISigningKey Open(string keyRef)
        {
            Opened.Add(keyRef);
            return new PemSigningKey(keyRef, ECDsa.Create(ECCurve.NamedCurves.nistP256));
        }
    }
}
