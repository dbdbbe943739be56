using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

public sealed class ConditionalWriteTests : BucketTest
{
    private static PutOptions IfMatch(string etag) => PutOptions.Metadata with { Condition = WriteCondition.IfMatch(etag) };

    [Test]
    public async Task IfAbsentOnAnExistingKeyFailsForAChunkedUploadToo()
    {
        var first = Bytes.Random(10, 1);
        await PutAsync("blob", first);

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("blob", Bytes.Random(3 * SmallChunk, 2), PutOptions.Blob with { Condition = WriteCondition.IfAbsent }));

        Assert.That(await GetAsync("blob"), Is.EqualTo(first));
    }

    [Test]
    public void IfMatchOnAMissingKeyFails()
    {
        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("missing", Bytes.Random(10, 1), IfMatch("12345")));
    }

    [Test]
    public async Task IfMatchWithATagThatIsNoGenerationFailsWithoutWriting()
    {
        await PutAsync("tag", Bytes.Random(10, 1));

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("tag", Bytes.Random(20, 2), IfMatch("\"d41d8cd98f00b204e9800998ecf8427e\"")));

        Assert.That(await GetAsync("tag"), Is.EqualTo(Bytes.Random(10, 1)));
    }
}
