using System.Net;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// ECR logins: an ECR-style registry host gets its password from GetAuthorizationToken, signed
/// with SigV4. A local stand-in answers the API call (no ECR here) and checks the signature's
/// shape; the registry behind the ECR name is the htpasswd registry of the test services, reached
/// through an /etc/hosts entry the test adds and removes.
/// </summary>
[NonParallelizable]
public sealed class EcrCopyTests
{
    private const string EcrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    private const string Amd64Manifest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";

    [Test]
    public void CopiesToAndFromAnEcrNameWithASignedTokenRequest()
    {
        var registry = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_AUTH") ?? throw new AssertionException("S3LO_TEST_REGISTRY_AUTH is not set: eval \"$(eng/services.sh env)\"");
        var user = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_USER")!;
        var password = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY_PASSWORD")!;
        var port = registry[(registry.LastIndexOf(':') + 1)..];
        using var api = new EcrStandIn($"{user}:{password}");
        using var hosts = new HostsEntry(EcrHost);
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var ecrRef = $"{EcrHost}:{port}/e2e-{Guid.NewGuid():N}/alpine:3";
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_ECR"] = api.Url, ["AWS_REGION"] = "us-east-1" };

        var push = S3loBinary.Run(["copy", fixture.Ref("alpine:latest"), ecrRef, "--platform", "linux/amd64", "--insecure"], environment, null);
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        var pull = S3loBinary.Run(["copy", ecrRef, back.Ref("alpine:3"), "--insecure", "--output", "json"], environment, null);
        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(JsonDocument.Parse(pull.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(Amd64Manifest));

        Assert.That(api.Requests, Has.Count.EqualTo(2), "one token request per run");
        foreach (var request in api.Requests)
        {
            Assert.That(request.Target, Is.EqualTo("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"));
            Assert.That(request.Authorization, Does.Match(@"^AWS4-HMAC-SHA256 Credential=AKIATEST/\d{8}/us-east-1/ecr/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$"));
            Assert.That(request.Body, Is.EqualTo("{}"));
        }
    }

    private sealed record SeenRequest(string? Target, string? Authorization, string Body);

    /// <summary>Answers GetAuthorizationToken like ECR does, recording what it was sent.</summary>
    private sealed class EcrStandIn : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _token;
        public List<SeenRequest> Requests { get; } = [];
        public string Url { get; }

        public EcrStandIn(string userAndPassword)
        {
            _token = Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));
            // A port the kernel just had free: a random one collided with a port in use (CI, once).
            var port = LoopbackHttpServer.FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                lock (Requests) Requests.Add(new SeenRequest(context.Request.Headers["X-Amz-Target"], context.Request.Headers["Authorization"], body));
                var expires = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds();
                var answer = Encoding.UTF8.GetBytes($$"""{"authorizationData":[{"authorizationToken":"{{_token}}","expiresAt":{{expires}},"proxyEndpoint":"https://{{EcrHost}}"}]}""");
                context.Response.ContentType = "application/x-amz-json-1.1";
                await context.Response.OutputStream.WriteAsync(answer);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    /// <summary>Maps a name to 127.0.0.1 in /etc/hosts for the test's duration (the test runs as root, as CI does).</summary>
    internal sealed class HostsEntry : IDisposable
    {
        private const string HostsFile = "/etc/hosts";
        private readonly string _line;

        public HostsEntry(string host)
        {
            _line = $"127.0.0.1 {host} # s3lo-e2e";
            try
            {
                File.AppendAllText(HostsFile, Environment.NewLine + _line + Environment.NewLine);
            }
            catch (UnauthorizedAccessException)
            {
                Assert.Fail($"this test maps {host} in {HostsFile} and needs to run as root (as .ci/run does)");
            }
        }

        public void Dispose() =>
            File.WriteAllLines(HostsFile, File.ReadAllLines(HostsFile).Where(l => l != _line));
    }
}
