using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Cleaning;

/// <summary>Blob GC on a real local store: what every remaining tag reaches stays, the rest goes once past the grace.</summary>
public sealed class BlobCollectionTests : CleanFixture
{
    private static readonly CleanOptions Confirmed = new() { Confirm = true };
    private static readonly TimeSpan PastTheGrace = TimeSpan.FromHours(2);

    [Test]
    public async Task KeepsEveryBlobOfEveryTagIndexChildrenAndSignatureTargetsAndDeletesOnlyTheUnreachable()
    {
        var builder = new ImageBuilder(Bucket);
        var single = TestImage.Create(1);
        await PushAsync(single, "app", "1");
        await builder.PutMultiArchAsync("multi", "2", seed: 10);
        // A manifest no tag holds, named by a signature of app:1: it and what it references stay.
        var signed = await builder.PutImageAsync("linux", "amd64", null, seed: 20);
        await PutAsync("manifests/app/1/signatures/0123456789abcdef.json", Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":1,"digest":"{{signed.Digest}}","keyRef":"cosign.pub","keyID":"0123456789abcdef","algorithm":"ECDSA_SHA_256","signature":"","payload":"","signedAt":"2026-12-01T00:00:00Z"}"""));
        var orphan = await builder.PutImageAsync("linux", "arm64", null, seed: 30, layerCount: 2);
        var stray = await builder.PutBlobAsync(Bytes.Random(5000, 99), "application/octet-stream");
        var before = BlobDigests();

        var report = await CleanLaterAsync(PastTheGrace, Confirmed);

        var orphanBlobs = new[] { orphan.Manifest!.Config.Digest }.Concat(orphan.Manifest.Layers.Select(l => l.Digest)).Append(stray.Digest).ToList();
        Assert.That(BlobDigests(), Is.EquivalentTo(before.Except([orphan.Digest.ToString(), .. orphanBlobs])));
        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Manifests).Select(i => i.Name), Is.EqualTo(new[] { orphan.Digest.ToString() }));
        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Blobs).Select(i => i.Name), Is.EquivalentTo(orphanBlobs));
        Assert.That(report.TotalOf(CleanCategory.Blobs), Is.EqualTo(new CleanTotal(CleanCategory.Blobs, 4, 4096 + 4096 + 5000 + orphan.Manifest.Config.Size, 0)));
        Assert.That(report.TotalOf(CleanCategory.Manifests).Bytes, Is.EqualTo(orphan.Size));
        Assert.That(report.Items, Has.All.Matches<CleanItem>(i => i.Reason == "unreachable, last modified 2h ago" && i.Failure is null));
        Assert.That(report.Warnings, Is.Empty);
        Assert.That(report.Confirmed, Is.True);
        foreach (var (digest, bytes) in single.Blobs) Assert.That(await ReadBlobAsync(digest), Is.EqualTo(bytes), "the pushed image reads back whole");
    }

    [Test]
    public async Task AnUnreachableBlobYoungerThanTheGraceStaysUntilItIsOlder()
    {
        var stray = await new ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(3000, 5), "application/octet-stream");

        var early = await CleanLaterAsync(TimeSpan.FromMinutes(30), Confirmed with { Grace = TimeSpan.FromHours(1) });
        Assert.That(early.Items, Is.Empty);
        Assert.That(BlobDigests(), Is.EqualTo(new[] { stray.Digest }));

        var late = await CleanLaterAsync(TimeSpan.FromMinutes(61), Confirmed with { Grace = TimeSpan.FromHours(1) });
        Assert.That(late.Items.Select(i => (i.Category, i.Name)), Is.EqualTo(new[] { (CleanCategory.Blobs, stray.Digest) }));
        Assert.That(BlobDigests(), Is.Empty);
    }

    [Test]
    public async Task ADryRunListsWhatAConfirmedRunDeletesAndChangesNothing()
    {
        await PushAsync(TestImage.Create(1), "app", "1", Clock.Now.AddDays(-3));
        await PushAsync(TestImage.Create(2), "app", "2", Clock.Now.AddDays(-2));
        await Bucket.RecordIndexedLayerAsync(Digest.Compute([1]), LayerCompression.Gzip,
            new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute([2]).ToString(), Size = 1 }, null, None);
        await new ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        var before = Listing();

        var dry = await CleanLaterAsync(PastTheGrace, new CleanOptions(), Rules(keepLast: 1));

        Assert.That(Listing(), Is.EqualTo(before), "not one key written, changed or deleted (no marker either)");
        Assert.That(dry.Confirmed, Is.False);
        Assert.That(dry.TotalOf(CleanCategory.Tags).Count, Is.EqualTo(1));
        Assert.That(dry.TotalOf(CleanCategory.Blobs).Count, Is.EqualTo(5), "app:1's config and 3 layers, and the stray blob");
        Assert.That(dry.TotalOf(CleanCategory.IndexEntries).Count, Is.EqualTo(1));
        var confirmed = await CleanLaterAsync(PastTheGrace, Confirmed, Rules(keepLast: 1));
        Assert.That(confirmed.Items.Select(i => (i.Category, i.Name, i.Bytes, i.Failure)), Is.EqualTo(dry.Items.Select(i => (i.Category, i.Name, i.Bytes, i.Failure))));
    }

    [Test]
    public async Task PrunedTagsGoFirstAndOnlyTheBlobsNoRemainingTagSharesAreCollected()
    {
        var shared = TestImage.Create(1);
        await PushAsync(shared, "app", "latest", Clock.Now.AddDays(-10));
        await PushAsync(shared, "app", "1", Clock.Now.AddDays(-4));
        var onlyPruned = TestImage.Create(2);
        await PushAsync(onlyPruned, "app", "2", Clock.Now.AddDays(-3));
        await PushAsync(TestImage.Create(3), "app", "3", Clock.Now.AddDays(-2));
        await PushAsync(TestImage.Create(4), "app", "4", Clock.Now.AddDays(-1));

        var report = await CleanLaterAsync(PastTheGrace, Confirmed, Rules(keepLast: 2, keepTags: "latest"));

        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Tags).Select(i => (i.Name, i.Reason)),
            Is.EqualTo(new[] { ("app:1", "keep_last 2: 4th newest"), ("app:2", "keep_last 2: 3rd newest") }));
        var tags = new List<string>();
        await foreach (var (repository, tag) in Bucket.ListTagsAsync(None)) tags.Add($"{repository}:{tag}");
        Assert.That(tags, Is.EquivalentTo(new[] { "app:latest", "app:3", "app:4" }));
        Assert.That(Directory.Exists(Path.Combine(Root, "manifests", "app", "1")), Is.False, "the tag's history and oci-layout went with it");
        Assert.That(report.Items.Where(i => i.Category == CleanCategory.Blobs).Select(i => i.Name), Is.EquivalentTo(onlyPruned.Blobs.Keys));
        foreach (var (digest, bytes) in shared.Blobs) Assert.That(await ReadBlobAsync(digest), Is.EqualTo(bytes), "app:latest still holds them");
    }

    [Test]
    public async Task WithoutTagsOnlyBlobsAndWithoutBlobsOnlyTagsAreCleaned()
    {
        await PushAsync(TestImage.Create(1), "app", "1", Clock.Now.AddDays(-3));
        await PushAsync(TestImage.Create(2), "app", "2", Clock.Now.AddDays(-2));
        var stray = await new ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");

        var blobsOnly = await CleanLaterAsync(PastTheGrace, Confirmed with { Tags = false }, Rules(keepLast: 1));
        Assert.That(blobsOnly.Items.Select(i => i.Name), Is.EqualTo(new[] { stray.Digest }));

        var tagsOnly = await CleanLaterAsync(PastTheGrace, Confirmed with { Blobs = false }, Rules(keepLast: 1));
        Assert.That(tagsOnly.Items.Select(i => i.Name), Is.EqualTo(new[] { "app:1" }));
        Assert.That(BlobDigests(), Is.SupersetOf(TestImage.Create(1).Blobs.Keys), "no blob went with --tags alone");
    }

    [Test]
    public async Task DigestsInUseKeepAnUntaggedManifestAndWhatItReferences()
    {
        var builder = new ImageBuilder(Bucket);
        var inUse = await builder.PutImageAsync("linux", "amd64", null, seed: 40);
        var stray = await builder.PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");

        var report = await CleanLaterAsync(PastTheGrace, Confirmed with { KeepDigests = new HashSet<string> { inUse.Digest.ToString() } });

        Assert.That(report.Items.Select(i => i.Name), Is.EqualTo(new[] { stray.Digest }));
        Assert.That(BlobDigests(), Does.Contain(inUse.Manifest!.Config.Digest).And.Contain(inUse.Manifest.Layers[0].Digest).And.Contain(inUse.Digest.ToString()));
    }

    [Test]
    public async Task AMissingPlatformManifestIsAWarningAndTheOtherPlatformsKeepTheirBlobs()
    {
        var index = await new ImageBuilder(Bucket).PutMultiArchAsync("multi", "1", seed: 10);
        var arm = index.Index!.Manifests[1].Digest;
        var amd = ManifestBlob.Parse(await ReadBlobAsync(index.Index.Manifests[0].Digest), "amd64");
        await Store.DeleteAsync(BucketLayout.BlobsPrefix + arm["sha256:".Length..], None);

        var report = await CleanLaterAsync(PastTheGrace, Confirmed);

        Assert.That(report.Warnings, Is.EqualTo(new[] { $"multi:1: manifest {arm} is missing from the bucket (the image is broken already)" }));
        Assert.That(BlobDigests(), Does.Contain(amd.Manifest!.Config.Digest).And.Contain(amd.Manifest.Layers[0].Digest));
        Assert.That(report.HasFailures, Is.False);
    }

    [Test]
    public async Task AManifestThatCannotBeReadStopsTheCleanBeforeAnyBlobIsDeleted()
    {
        var index = await new ImageBuilder(Bucket).PutMultiArchAsync("multi", "1", seed: 10);
        await new ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        var child = BucketLayout.BlobsPrefix + index.Index!.Manifests[0].Digest["sha256:".Length..];
        var failing = new HookedStore(Store) { FailRead = key => key == child ? new IOException("connection reset by peer") : null };
        var before = Listing();

        var error = Assert.ThrowsAsync<S3loException>(() => CleanLaterAsync(PastTheGrace, Confirmed, through: failing));

        Assert.That(error!.Message, Is.EqualTo($"clean stopped: {Store.DisplayName}/{child} could not be read (connection reset by peer); no blob was deleted"));
        Assert.That(error.Hint, Is.EqualTo("run clean again: it deletes blobs only after it has read every tag"));
        Assert.That(Listing(), Is.EqualTo(before));
    }

    [Test]
    public async Task StaleDiffIdIndexEntriesAreRemovedAndLiveOnesStay()
    {
        var image = TestImage.Create(1);
        await PushAsync(image, "app", "1");
        var stray = await new ImageBuilder(Bucket).PutBlobAsync(Bytes.Random(1000, 3), "application/octet-stream");
        var never = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute([7]).ToString(), Size = 1 };
        var live = image.Manifest.Layers[0];
        await Bucket.RecordIndexedLayerAsync(Digest.Compute([1]), LayerCompression.Gzip, stray, null, None);
        await Bucket.RecordIndexedLayerAsync(Digest.Compute([2]), LayerCompression.Gzip, never, null, None);
        await Bucket.RecordIndexedLayerAsync(Digest.Compute([3]), LayerCompression.Gzip, live, 10, None);

        var report = await CleanLaterAsync(PastTheGrace, Confirmed);

        Assert.That(report.Items.Where(i => i.Category == CleanCategory.IndexEntries).Select(i => (i.Name, i.Reason)), Is.EquivalentTo(new[]
        {
            (BucketLayout.DiffIdKey(Digest.Compute([1]), LayerCompression.Gzip), $"its blob {stray.Digest} was deleted by this clean"),
            (BucketLayout.DiffIdKey(Digest.Compute([2]), LayerCompression.Gzip), $"its blob {never.Digest} is gone"),
        }));
        Assert.That(await Store.HeadAsync(BucketLayout.DiffIdKey(Digest.Compute([1]), LayerCompression.Gzip), None), Is.Null);
        Assert.That(await Store.HeadAsync(BucketLayout.DiffIdKey(Digest.Compute([2]), LayerCompression.Gzip), None), Is.Null);
        Assert.That(await Bucket.FindIndexedLayerAsync(Digest.Compute([3]), LayerCompression.Gzip, None), Is.Not.Null);
    }
}
