using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3.Tests.Support;

/// <summary>
/// The Ceph RGW the tests run against (S3LO_TEST_S3_ENDPOINT, from eng/services.sh env). A
/// missing or unreachable server fails the run: these tests never skip silently.
/// </summary>
public static class RgwServer
{
    public const string StartHint = "start it with: bash eng/services.sh install s3 && bash eng/services.sh start s3 && eval \"$(bash eng/services.sh env)\"";

    public static string Endpoint { get; private set; } = "";
    public static AmazonS3Client Admin { get; private set; } = null!;

    public static void Require()
    {
        if (Admin is not null) return;
        var endpoint = Environment.GetEnvironmentVariable("S3LO_TEST_S3_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint)) Assert.Fail("S3LO_TEST_S3_ENDPOINT is not set; " + StartHint);
        var uri = new Uri(endpoint!);
        try
        {
            using var tcp = new TcpClient();
            if (!tcp.ConnectAsync(uri.Host, uri.Port).Wait(TimeSpan.FromSeconds(3))) throw new TimeoutException();
        }
        catch (Exception e)
        {
            Assert.Fail($"the S3 test server at {endpoint} is not reachable ({e.GetBaseException().Message}); {StartHint}");
        }
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
            Assert.Fail("AWS_ACCESS_KEY_ID is not set; " + StartHint);
        Endpoint = endpoint!;
        Admin = new AmazonS3Client(new AmazonS3Config
        {
            ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public static string NewBucketName() => "s3lo-test-" + Guid.NewGuid().ToString("N")[..16];

    public static StoreOptions Options(bool create = false) => new() { Endpoint = Endpoint, CreateIfMissing = create };

    public static async Task<bool> BucketExistsAsync(string bucket)
    {
        try
        {
            await Admin.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public static async Task<int> OpenUploadsAsync(string bucket) =>
        (await Admin.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads?.Count ?? 0;

    /// <summary>Removes a bucket with everything in it, open multipart uploads included.</summary>
    public static async Task DeleteBucketAsync(string bucket)
    {
        if (!await BucketExistsAsync(bucket)) return;
        foreach (var upload in (await Admin.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? [])
            await Admin.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            var listing = await Admin.ListObjectsV2Async(request);
            var keys = (listing.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
            if (keys.Count > 0) await Admin.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = keys });
            if (listing.IsTruncated != true) break;
            request.ContinuationToken = listing.NextContinuationToken;
        }
        await Admin.DeleteBucketAsync(bucket);
    }
}
