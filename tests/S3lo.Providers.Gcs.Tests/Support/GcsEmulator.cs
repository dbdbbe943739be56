using System.Net.Sockets;
using Google.Cloud.Storage.V1;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs.Tests.Support;

/// <summary>
/// The GCS emulator the tests run against (STORAGE_EMULATOR_HOST, from eng/services.sh env). A
/// missing or unreachable emulator fails the run: these tests never skip silently.
/// </summary>
internal static class GcsEmulator
{
    public const string StartHint =
        "start it with: bash eng/services.sh install gcs && bash eng/services.sh start gcs && eval \"$(bash eng/services.sh env)\"";

    private static StorageClient? _admin;

    public static Uri BaseUri { get; private set; } = null!;

    /// <summary>A client of its own for arranging and checking, independent of the code under test.</summary>
    public static StorageClient Admin => _admin ?? throw new InvalidOperationException("call Require() first");

    public static void Require()
    {
        if (_admin is not null) return;
        var host = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
        if (string.IsNullOrWhiteSpace(host)) Assert.Fail("STORAGE_EMULATOR_HOST is not set; " + StartHint);
        var endpoint = GcsEndpoint.FromEnvironment();
        var uri = endpoint.BaseUri!;
        try
        {
            using var tcp = new TcpClient();
            if (!tcp.ConnectAsync(uri.Host, uri.Port).Wait(TimeSpan.FromSeconds(3))) throw new TimeoutException("no answer in 3 s");
        }
        catch (Exception e)
        {
            Assert.Fail($"the GCS emulator at {host} is not reachable ({e.GetBaseException().Message}); {StartHint}");
        }
        BaseUri = uri;
        _admin = new StorageClientBuilder { BaseUri = uri.ToString(), UnauthenticatedAccess = true }.Build();
    }

    public static GcsEndpoint Endpoint => new(BaseUri, Authenticated: false);

    public static string NewBucketName() => "s3lo-test-" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<bool> BucketExistsAsync(string bucket)
    {
        try
        {
            await Admin.GetBucketAsync(bucket);
            return true;
        }
        catch (Google.GoogleApiException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Removes a bucket with everything in it.</summary>
    public static async Task DeleteBucketAsync(string bucket)
    {
        if (!await BucketExistsAsync(bucket)) return;
        await foreach (var item in Admin.ListObjectsAsync(bucket)) await Admin.DeleteObjectAsync(bucket, item.Name);
        await Admin.DeleteBucketAsync(bucket);
    }

    public static async Task<byte[]?> ReadAsync(string bucket, string key)
    {
        try
        {
            using var buffer = new MemoryStream();
            await Admin.DownloadObjectAsync(bucket, key, buffer);
            return buffer.ToArray();
        }
        catch (Google.GoogleApiException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static StoreOptions Options(bool create = false, string? storageClass = null) =>
        new() { CreateIfMissing = create, StorageClass = storageClass, Timeout = TimeSpan.FromSeconds(20) };
}
