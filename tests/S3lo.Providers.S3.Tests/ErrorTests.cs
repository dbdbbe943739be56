using System.Diagnostics;
using Amazon.Runtime;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class ErrorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SetUp]
    public void RequireServer() => RgwServer.Require();

    private static void AssertOneLine(S3loException error)
    {
        Assert.That(error.Message, Does.Not.Contain('\n'));
        Assert.That(error.Hint ?? "", Does.Not.Contain('\n'));
        Assert.That(error, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
    }

    [Test]
    public async Task AMissingBucketIsNamedWithTheInitCommand()
    {
        var bucket = RgwServer.NewBucketName();
        await using var store = await new S3StoreProvider().OpenAsync(bucket, RgwServer.Options(), None);

        var read = Assert.ThrowsAsync<NotFoundException>(() => store.OpenReadAsync("s3lo.yaml", None));
        var head = Assert.ThrowsAsync<NotFoundException>(() => store.HeadAsync("s3lo.yaml", None));
        var list = Assert.ThrowsAsync<NotFoundException>(async () =>
        {
            await foreach (var _ in store.ListAsync("manifests/", None)) { }
        });

        foreach (var error in new[] { read!, head!, list! })
        {
            Assert.That(error.Message, Does.Contain($"s3://{bucket}").And.Contain("does not exist"));
            Assert.That(error.Hint, Does.Contain($"s3lo init s3://{bucket}/"));
            AssertOneLine(error);
        }
        Assert.That(await RgwServer.BucketExistsAsync(bucket), Is.False);
    }

    [Test]
    public async Task AWrongSecretIsReportedAsRejectedCredentials()
    {
        var bucket = RgwServer.NewBucketName();
        await RgwServer.Admin.PutBucketAsync(bucket);
        try
        {
            var provider = new S3StoreProvider { Credentials = new BasicAWSCredentials(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), "wrong-secret") };
            await using var store = await provider.OpenAsync(bucket, RgwServer.Options(), None);

            var read = Assert.ThrowsAsync<S3loException>(() => store.OpenReadAsync("s3lo.yaml", None));
            var put = Assert.ThrowsAsync<S3loException>(() => store.PutAsync("x", new MemoryStream([1, 2]), 2, PutOptions.Metadata, None));

            foreach (var error in new[] { read!, put! })
            {
                Assert.That(error.Message, Does.Contain("rejected the credentials").And.Contain("SignatureDoesNotMatch"));
                Assert.That(error.Hint, Does.Contain("AWS_SECRET_ACCESS_KEY").And.Contain("AWS_PROFILE"));
                AssertOneLine(error);
            }
        }
        finally
        {
            await RgwServer.DeleteBucketAsync(bucket);
        }
    }

    [Test]
    public async Task AccessDeniedNamesTheActionAndTheKey()
    {
        var bucket = RgwServer.NewBucketName();
        await RgwServer.Admin.PutBucketAsync(bucket);
        try
        {
            var policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/locked/*"}]}""";
            await RgwServer.Admin.PutBucketPolicyAsync(bucket, policy);
            await using var store = await new S3StoreProvider().OpenAsync(bucket, RgwServer.Options(), None);

            var put = Assert.ThrowsAsync<S3loException>(() => store.PutAsync("locked/x", new MemoryStream([1]), 1, PutOptions.Metadata, None));

            Assert.That(put!.Message, Is.EqualTo($"s3:PutObject denied on s3://{bucket}/locked/x"));
            Assert.That(put.Hint, Does.Contain("grant s3:PutObject"));
            AssertOneLine(put);
        }
        finally
        {
            await RgwServer.Admin.DeleteBucketPolicyAsync(bucket);
            await RgwServer.DeleteBucketAsync(bucket);
        }
    }

    [Test]
    public async Task AnUnknownAccessKeyIsReportedAsRejectedCredentials()
    {
        var provider = new S3StoreProvider { Credentials = new BasicAWSCredentials("AKIANOSUCHKEY", "x") };
        await using var store = await provider.OpenAsync(RgwServer.NewBucketName(), RgwServer.Options(), None);

        var error = Assert.ThrowsAsync<S3loException>(() => store.OpenReadAsync("s3lo.yaml", None));

        Assert.That(error!.Message, Does.Contain("InvalidAccessKeyId"));
        Assert.That(error.Hint, Does.Contain("AWS_ACCESS_KEY_ID"));
    }

    [Test]
    public async Task AnUnreachableEndpointIsNamedQuickly()
    {
        var options = new StoreOptions { Endpoint = "http://127.0.0.1:1", Timeout = TimeSpan.FromSeconds(3) };
        var logs = new ListLoggerFactory();
        await using var store = await new S3StoreProvider(logs).OpenAsync("some-bucket", options, None);
        var watch = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<S3loException>(() => store.OpenReadAsync("s3lo.yaml", None));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(error!.Message, Does.Contain("cannot reach").And.Contain("http://127.0.0.1:1"));
        Assert.That(error.Hint, Does.Contain("--endpoint"));
        AssertOneLine(error);
        // Each failed attempt is visible at debug level (what --verbose shows), retries included.
        Assert.That(logs.Lines.Count(l => l.StartsWith("Debug: s3: GET 127.0.0.1:1/some-bucket/s3lo.yaml failed")), Is.GreaterThan(1));
        TestContext.Out.WriteLine($"{watch.Elapsed}: {string.Join(Environment.NewLine, logs.Lines)}");
    }

    [Test]
    public async Task AServerThatNeverAnswersTimesOutWithTheEndpointNamed()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await silent.AcceptTcpClientAsync());
            }
            catch (Exception)
            {
                // Listener stopped.
            }
        });
        var endpoint = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        var options = new StoreOptions { Endpoint = endpoint, Timeout = TimeSpan.FromMilliseconds(500) };
        await using var store = await new S3StoreProvider().OpenAsync("some-bucket", options, None);
        var watch = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<S3loException>(() => store.HeadAsync("s3lo.yaml", None));

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(error!.Message, Does.Contain("cannot reach").And.Contain(endpoint).And.Contain("no answer within"));
        TestContext.Out.WriteLine($"{watch.Elapsed}, {accepted.Count} connections: {error.Message}");
        silent.Stop();
        foreach (var client in accepted) client.Dispose();
    }

    [Test]
    public void ABadEndpointUrlIsAUsageError()
    {
        var error = Assert.ThrowsAsync<UsageException>(() => new S3StoreProvider().OpenAsync("b", new StoreOptions { Endpoint = "not a url" }, None));

        Assert.That(error!.Message, Does.Contain("--endpoint"));
    }
}
