using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3lo.EndToEnd.Tests;

/// <summary>The S3-compatible server of the test services (Ceph RGW), seen through the AWS SDK to check what s3lo stored.</summary>
public static class S3Server
{
    public static string Endpoint
    {
        get
        {
            var endpoint = Environment.GetEnvironmentVariable("S3LO_TEST_S3_ENDPOINT");
            if (string.IsNullOrEmpty(endpoint))
                Assert.Fail("S3LO_TEST_S3_ENDPOINT is not set: start the test services (eng/services.sh start s3) and eval \"$(eng/services.sh env)\"");
            return endpoint!;
        }
    }

    public static AmazonS3Client Client() => new(
        new BasicAWSCredentials(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")),
        new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>A fresh bucket for one test; deleted with everything in it when disposed.</summary>
    public static TempBucket CreateBucket() => new();

    public sealed class TempBucket : IDisposable
    {
        public TempBucket()
        {
            Name = "s3lo-e2e-" + Guid.NewGuid().ToString("N")[..12];
            using var client = Client();
            client.PutBucketAsync(Name).GetAwaiter().GetResult();
        }

        public string Name { get; }
        public string Url => $"s3://{Name}/";
        public string Ref(string imageAndTag) => $"s3://{Name}/{imageAndTag}";

        /// <summary>Every key with its bytes' SHA-256 and its storage class.</summary>
        public List<(string Key, string Sha256, string? StorageClass)> Objects()
        {
            using var client = Client();
            var result = new List<(string, string, string?)>();
            var listing = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name }).GetAwaiter().GetResult();
            foreach (var o in listing.S3Objects ?? [])
            {
                using var response = client.GetObjectAsync(Name, o.Key).GetAwaiter().GetResult();
                using var buffer = new MemoryStream();
                response.ResponseStream.CopyTo(buffer);
                result.Add((o.Key, StoreChecker.Sha256Hex(buffer.ToArray()), response.StorageClass?.Value));
            }
            return result;
        }

        public void Dispose()
        {
            using var client = Client();
            try
            {
                var listing = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name }).GetAwaiter().GetResult();
                foreach (var o in listing.S3Objects ?? []) client.DeleteObjectAsync(Name, o.Key).GetAwaiter().GetResult();
                client.DeleteBucketAsync(Name).GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception)
            {
                // Best effort: a leftover test bucket is harmless on the test server.
            }
        }
    }
}
