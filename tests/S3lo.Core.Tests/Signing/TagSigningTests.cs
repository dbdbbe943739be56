using System.Security.Cryptography;
using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Signing;

/// <summary>Sign then verify on a real local store; the verdicts on hand-made and tampered signature files.</summary>
[TestFixture]
public class TagSigningTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 30, 12, 0, 0, 250, TimeSpan.Zero);
    /// <summary>What the file keeps of <see cref="SignedAt"/>: whole seconds.</summary>
    private static readonly DateTimeOffset StoredAt = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private TempDir _temp = null!;
    private ImageBucket _bucket = null!;
    private ImageBuilder _images = null!;
    private PemSigningKey _key = null!;
    private ECDsa _public = null!;
    private string _keyId = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("signing");
        _bucket = new ImageBucket(new LocalObjectStore(_temp.Sub("store")));
        _images = new ImageBuilder(_bucket);
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _key = new PemSigningKey("cosign.key", ec);
        _public = P256.ImportPublic(ec.ExportSubjectPublicKeyInfo(), "test");
        _keyId = KeyId.Of(ec.ExportSubjectPublicKeyInfo());
    }

    [TearDown]
    public async Task TearDown()
    {
        _key.Dispose();
        _public.Dispose();
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task ASignedTagVerifiesAndTheFileHasV1sShape()
    {
        var image = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        await _images.TagAsync("app", "1.0", image);

        var document = await TagSigner.SignAsync(_bucket, "app", "1.0", _key, new FixedClock(SignedAt), None);

        Assert.That(document.Digest, Is.EqualTo(image.Digest.ToString()));
        Assert.That(document.KeyId, Is.EqualTo(_keyId));
        Assert.That(document.KeyRef, Is.EqualTo("cosign.key"));
        Assert.That(document.SignedAt, Is.EqualTo(StoredAt));
        Assert.That(Encoding.ASCII.GetString(Convert.FromBase64String(document.Payload)), Is.EqualTo(image.Digest + "\n"));
        var stored = await TagSignatures.ListAsync(_bucket, "app", "1.0", None);
        Assert.That(stored.Select(s => s.KeyId), Is.EqualTo(new[] { _keyId }));
        Assert.That(stored[0].Document, Is.EqualTo(document));

        var result = await TagVerifier.VerifyAsync(_bucket, "app", "1.0", _key, None);
        Assert.That(result, Is.EqualTo(new VerifyResult.Valid(_keyId, image.Digest, document.SignedAt)));
    }

    [Test]
    public async Task ARepushedTagIsMovedAndAnotherKeyIsMissing()
    {
        var first = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        var second = await _images.PutImageAsync("linux", "amd64", null, seed: 2);
        await _images.TagAsync("app", "1.0", first);
        await TagSigner.SignAsync(_bucket, "app", "1.0", _key, new FixedClock(SignedAt), None);
        await _images.TagAsync("app", "1.0", second);

        var moved = await TagVerifier.VerifyAsync(_bucket, "app", "1.0", _key, None);
        Assert.That(moved, Is.EqualTo(new VerifyResult.Moved(_keyId, first.Digest, second.Digest, StoredAt)));

        using var other = new PemSigningKey("other.key", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var missing = await TagVerifier.VerifyAsync(_bucket, "app", "1.0", other, None);
        Assert.That(missing, Is.EqualTo(new VerifyResult.Missing(KeyId.Of(await other.GetSubjectPublicKeyInfoAsync(None)))));
    }

    [Test]
    public async Task AMissingTagIsNotFoundToSignAndNoTagToVerify()
    {
        Assert.ThrowsAsync<NotFoundException>(() => TagSigner.SignAsync(_bucket, "app", "nope", _key, TimeProvider.System, None));
        Assert.That(await TagVerifier.VerifyAsync(_bucket, "app", "nope", _key, None), Is.EqualTo(new VerifyResult.NoTag(_keyId)));
        Assert.That(_temp.Files().Where(f => f.Contains("signatures")), Is.Empty);
    }

    [Test]
    public void AGoodHandMadeDocumentIsValid()
    {
        var digest = Digest.Compute("manifest"u8);
        Assert.That(Check(Signed(digest), digest), Is.EqualTo(new VerifyResult.Valid(_keyId, digest, StoredAt)));
    }

    [Test]
    public void AFlippedSignatureByteIsInvalid()
    {
        var digest = Digest.Compute("manifest"u8);
        var document = Signed(digest);
        var signature = Convert.FromBase64String(document.Signature);
        signature[^5] ^= 0x01;
        var result = Check(document with { Signature = Convert.ToBase64String(signature) }, digest);
        Assert.That(result, Is.EqualTo(new VerifyResult.Invalid(_keyId, "the signature does not verify with this key")));
    }

    [Test]
    public void APayloadThatIsNotTheDocumentsDigestIsInvalid()
    {
        var digest = Digest.Compute("manifest"u8);
        var other = Digest.Compute("other"u8);
        // Signed properly over `other`, but the document claims `digest`: the signed bytes are what count.
        var document = Signed(other) with { Digest = digest.ToString() };
        Assert.That(Check(document, digest), Is.EqualTo(new VerifyResult.Invalid(_keyId, $"the payload covers {other}, but the file's digest is '{digest}'")));
    }

    [Test]
    public void AKeyIdMismatchAnUnknownAlgorithmAndAMalformedFileAreInvalid()
    {
        var digest = Digest.Compute("manifest"u8);
        Assert.That(Check(Signed(digest) with { KeyId = "0000000000000000" }, digest),
            Is.EqualTo(new VerifyResult.Invalid(_keyId, $"the file names key '0000000000000000', not {_keyId}")));
        Assert.That(Check(Signed(digest) with { Algorithm = "RSA_PSS" }, digest),
            Is.EqualTo(new VerifyResult.Invalid(_keyId, "algorithm 'RSA_PSS' is not supported (ECDSA_SHA_256 is)")));
        Assert.That(Check(Signed(digest) with { Payload = Convert.ToBase64String("latest\n"u8) }, digest),
            Is.EqualTo(new VerifyResult.Invalid(_keyId, "the payload is not a manifest digest")));
        Assert.That(Check(Signed(digest) with { Signature = "!!" }, digest),
            Is.EqualTo(new VerifyResult.Invalid(_keyId, "the signature is not base64")));

        var malformed = TagVerifier.Check(TagSignatures.Parse(_keyId, "{\"schemaVersion\":"u8.ToArray()), _public, _keyId, digest);
        Assert.That(malformed, Is.InstanceOf<VerifyResult.Invalid>());
        Assert.That(((VerifyResult.Invalid)malformed).Reason, Does.StartWith("malformed signature file: not a signature file:"));
        var future = TagVerifier.Check(TagSignatures.Parse(_keyId, TagSignatures.Serialize(Signed(digest) with { SchemaVersion = 2 })), _public, _keyId, digest);
        Assert.That(future, Is.EqualTo(new VerifyResult.Invalid(_keyId, "malformed signature file: schemaVersion 2 is not supported (1 is)")));
    }

    [Test]
    public void AValidSignatureOverAnotherDigestIsMoved()
    {
        var signed = Digest.Compute("old"u8);
        var current = Digest.Compute("new"u8);
        Assert.That(Check(Signed(signed), current), Is.EqualTo(new VerifyResult.Moved(_keyId, signed, current, StoredAt)));
    }

    // Through the file's bytes, as verify reads them.
    private VerifyResult Check(SignatureDocument document, Digest current) =>
        TagVerifier.Check(TagSignatures.Parse(_keyId, TagSignatures.Serialize(document)), _public, _keyId, current);

    private SignatureDocument Signed(Digest digest)
    {
        var payload = SignaturePayload.For(digest);
        return new SignatureDocument
        {
            Digest = digest.ToString(),
            KeyRef = "cosign.key",
            KeyId = _keyId,
            Payload = Convert.ToBase64String(payload),
            Signature = Convert.ToBase64String(_key.SignAsync(payload, None).Result),
            SignedAt = SignedAt,
        };
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
