namespace S3lo.EndToEnd.Tests;

/// <summary>Two pushes at once of images sharing a new multipart-sized layer, to one Ceph bucket.</summary>
public sealed class S3ConcurrentPushTests
{
    [Test]
    public void TwoPushesSharingANewLargeLayerBothSucceed()
    {
        const string image = "s3lo-e2e/s3app:shared";
        TestImages.Build(image, seed: 53, extraLayers: 1, layerBytes: 14_000_000);
        using var bucket = S3Server.CreateBucket();
        var small = new Dictionary<string, string?> { ["S3LO_S3_MULTIPART_THRESHOLD_MB"] = "5", ["S3LO_S3_PART_SIZE_MB"] = "5" };
        try
        {
            // Both find the layer absent and upload it as multipart at the same time: neither may abort the other's upload.
            var pushes = new[] { "one", "two" }.Select(tag => Task.Run(() =>
                S3loBinary.Run(["push", image, bucket.Ref("app:" + tag), "--endpoint", S3Server.Endpoint, "--no-progress"], small, null))).ToArray();
            Task.WaitAll(pushes);

            foreach (var push in pushes) Assert.That(push.Result.ExitCode, Is.EqualTo(0), push.Result.ToString);
            var objects = bucket.Objects();
            Assert.That(objects.Select(o => o.Key), Does.Contain("manifests/app/one/manifest.json").And.Contain("manifests/app/two/manifest.json"));
            foreach (var blob in objects.Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)))
                Assert.That(blob.Sha256, Is.EqualTo(blob.Key["blobs/sha256/".Length..]));
        }
        finally
        {
            DockerCli.RemoveImage(image);
        }
    }
}
