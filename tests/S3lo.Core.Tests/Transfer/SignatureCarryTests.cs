using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transfer;

/// <summary>The engine carries a bucket tag's signature files that cover the committed digest, byte-exact, and names the rest.</summary>
[TestFixture]
public class SignatureCarryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Good = "aaaaaaaaaaaaaaaa";
    private const string Garbled = "bbbbbbbbbbbbbbbb";
    private const string ForAnotherDigest = "cccccccccccccccc";

    [Test]
    public async Task OnlyTheReadableSignatureOfTheCopiedDigestIsCarriedAndTheOthersAreNamed()
    {
        using var temp = new TempDir("carry");
        await using var from = new ImageBucket(new LocalObjectStore(temp.Sub("from")));
        await using var to = new ImageBucket(new LocalObjectStore(temp.Sub("to")));
        var builder = new ImageBuilder(from);
        var image = await builder.PutImageAsync("linux", "amd64", null, seed: 1);
        var other = await builder.PutImageAsync("linux", "amd64", null, seed: 2);
        await from.WriteTagAsync("app", "1", image, WriteCondition.IfAbsent, None);
        var good = Document(Good, image.Digest.ToString());
        await TagSignatures.WriteRawAsync(from, "app", "1", Good, good, None);
        await TagSignatures.WriteRawAsync(from, "app", "1", Garbled, Encoding.UTF8.GetBytes("{not json"), None);
        await TagSignatures.WriteRawAsync(from, "app", "1", ForAnotherDigest, Document(ForAnotherDigest, other.Digest.ToString()), None);
        var observer = new Messages();

        var report = await new TransferEngine().TransferAsync(new BucketImageSource(from, "app", "1", null),
            new BucketImageDestination(to, "copy", "1", TimeProvider.System), new TransferOptions { Observer = observer }, None);

        Assert.That(report.SignaturesCopied, Is.EqualTo(1));
        var carried = await TagSignatures.ListAsync(to, "copy", "1", None);
        Assert.That(carried.Select(s => s.KeyId), Is.EqualTo(new[] { Good }));
        Assert.That(carried[0].Bytes, Is.EqualTo(good), "byte-exact");
        Assert.That(observer.Lines, Has.Some.StartWith($"signature {Garbled} of {from.Name}/app:1 not copied: not a signature file:"));
        Assert.That(observer.Lines, Has.Member($"signature {ForAnotherDigest} of {from.Name}/app:1 not copied: it covers {other.Digest}, the copy is {image.Digest}"));
    }

    [Test]
    public async Task AnImageNamedByDigestHasNoTagAndSoNoSignaturesToCarry()
    {
        using var temp = new TempDir("carry");
        await using var from = new ImageBucket(new LocalObjectStore(temp.Sub("from")));
        await using var to = new ImageBucket(new LocalObjectStore(temp.Sub("to")));
        var image = await new ImageBuilder(from).PutImageAsync("linux", "amd64", null, seed: 3);
        await from.WriteTagAsync("app", "1", image, WriteCondition.IfAbsent, None);
        await TagSignatures.WriteRawAsync(from, "app", "1", Good, Document(Good, image.Digest.ToString()), None);

        var report = await new TransferEngine().TransferAsync(new BucketImageSource(from, "app", null, image.Digest),
            new BucketImageDestination(to, "copy", "1", TimeProvider.System), new TransferOptions(), None);

        Assert.That(report.SignaturesCopied, Is.EqualTo(0));
        Assert.That(await TagSignatures.ListAsync(to, "copy", "1", None), Is.Empty);
    }

    // Carrying never checks a signature (no key is at hand), so the signature bytes here need not verify.
    private static byte[] Document(string keyId, string digest) => TagSignatures.Serialize(new SignatureDocument
    {
        Digest = digest,
        KeyRef = "cosign.key",
        KeyId = keyId,
        Signature = Convert.ToBase64String([1, 2, 3]),
        Payload = Convert.ToBase64String(Encoding.ASCII.GetBytes(digest + "\n")),
        SignedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
    });

    private sealed class Messages : ITransferObserver
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Lines { get; } = [];
        public void Message(string text) => Lines.Add(text);
    }
}
