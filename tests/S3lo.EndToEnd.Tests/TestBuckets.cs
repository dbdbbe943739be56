using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A fresh bucket in each scheme's real test server, created with `s3lo init` and read back
/// through the server's own API (SDK or REST), never through s3lo.
/// </summary>
public abstract class TestBucket : IDisposable
{
    public abstract string Scheme { get; }
    public abstract string Url { get; }
    public string Ref(string imageAndTag) => Url + imageAndTag;

    /// <summary>Every object: key and the SHA-256 of its bytes.</summary>
    public abstract List<(string Key, string Sha256)> Objects();

    /// <summary>The environment the binary needs for this scheme (credentials, emulator addresses).</summary>
    public static Dictionary<string, string?> Environment() => new()
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = Required("S3LO_TEST_AZURE_CONNECTION_STRING"),
    };

    /// <summary>Runs the binary with the test servers' environment and the S3 endpoint.</summary>
    public static RunResult S3lo(params string[] args) =>
        S3loBinary.Run([.. args, "--endpoint", S3Server.Endpoint], Environment(), null);

    /// <param name="initialize">False: the bucket does not exist yet (a name only), for init's own tests.</param>
    public static TestBucket Create(string scheme, bool initialize = true)
    {
        TestBucket bucket = scheme switch
        {
            "local" => new LocalBucket(),
            "s3" => new S3Bucket(),
            "az" => new AzureBucket(),
            "gs" => new GcsBucket(),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
        };
        if (!initialize) return bucket;
        var init = S3lo("init", bucket.Url);
        Assert.That(init.ExitCode, Is.EqualTo(0), () => $"init {bucket.Url}: {init}");
        return bucket;
    }

    public virtual void Dispose() { }

    protected static string Required(string variable) =>
        System.Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{variable} is not set: start the test services (eng/services.sh start) and eval \"$(eng/services.sh env)\"");

    protected static string NewName() => "e2e-" + Guid.NewGuid().ToString("N")[..16];

    private sealed class LocalBucket : TestBucket
    {
        private readonly TempStore _store = new(initialize: false);
        public override string Scheme => "local";
        public override string Url => $"local://{_store.Root}/";
        public override List<(string, string)> Objects() =>
            Directory.EnumerateFiles(_store.Root, "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/.s3lo-tmp/", StringComparison.Ordinal))
                .Select(f => (Path.GetRelativePath(_store.Root, f), StoreChecker.Sha256Hex(File.ReadAllBytes(f)))).ToList();
        public override void Dispose() => _store.Dispose();
    }

    private sealed class S3Bucket : TestBucket
    {
        private readonly string _name = NewName();
        public override string Scheme => "s3";
        public override string Url => $"s3://{_name}/";
        public override List<(string, string)> Objects()
        {
            using var client = S3Server.Client();
            var result = new List<(string, string)>();
            var listing = client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = _name }).GetAwaiter().GetResult();
            foreach (var o in listing.S3Objects ?? [])
            {
                using var response = client.GetObjectAsync(_name, o.Key).GetAwaiter().GetResult();
                using var buffer = new MemoryStream();
                response.ResponseStream.CopyTo(buffer);
                result.Add((o.Key, StoreChecker.Sha256Hex(buffer.ToArray())));
            }
            return result;
        }
    }

    private sealed class AzureBucket : TestBucket
    {
        private readonly string _name = NewName();
        public override string Scheme => "az";
        public override string Url => $"az://{_name}/";
        public override List<(string, string)> Objects()
        {
            var container = new BlobContainerClient(Required("S3LO_TEST_AZURE_CONNECTION_STRING"), _name);
            return container.GetBlobs().Select(b =>
            {
                using var buffer = new MemoryStream();
                container.GetBlobClient(b.Name).DownloadTo(buffer);
                return (b.Name, StoreChecker.Sha256Hex(buffer.ToArray()));
            }).ToList();
        }
    }

    private sealed class GcsBucket : TestBucket
    {
        private static readonly HttpClient Http = new();
        private readonly string _name = NewName();
        public override string Scheme => "gs";
        public override string Url => $"gs://{_name}/";
        public override List<(string, string)> Objects()
        {
            var host = Required("STORAGE_EMULATOR_HOST").TrimEnd('/');
            var listing = Http.GetFromJsonAsync<JsonElement>($"{host}/storage/v1/b/{_name}/o").GetAwaiter().GetResult();
            if (!listing.TryGetProperty("items", out var items)) return [];
            return items.EnumerateArray().Select(item =>
            {
                var key = item.GetProperty("name").GetString()!;
                var bytes = Http.GetByteArrayAsync($"{host}/storage/v1/b/{_name}/o/{Uri.EscapeDataString(key)}?alt=media").GetAwaiter().GetResult();
                return (key, StoreChecker.Sha256Hex(bytes));
            }).ToList();
        }
    }
}
