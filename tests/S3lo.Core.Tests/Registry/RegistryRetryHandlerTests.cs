using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Registry;

namespace S3lo.Core.Tests.Registry;

[TestFixture]
public class RegistryRetryHandlerTests
{
    /// <summary>Answers from a script, one entry per attempt (a status, or an exception to throw).</summary>
    private sealed class ScriptedHandler(params object[] script) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var step = script[Math.Min(Calls++, script.Length - 1)];
            return step switch
            {
                Exception e => Task.FromException<HttpResponseMessage>(e),
                HttpResponseMessage r => Task.FromResult(r),
                HttpStatusCode s => Task.FromResult(new HttpResponseMessage(s)),
                _ => throw new InvalidOperationException(),
            };
        }
    }

    private static HttpMessageInvoker Invoker(ScriptedHandler inner, int maxRetries = 3, double maxDelaySeconds = 1) =>
        new(new RegistryRetryHandler(maxRetries, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(maxDelaySeconds), NullLogger.Instance, TimeProvider.System)
        {
            InnerHandler = inner,
        });

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "http://127.0.0.1:1/v2/");

    [Test]
    public async Task RetriesServerErrorsUntilSuccess()
    {
        var inner = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        using var response = await Invoker(inner).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(inner.Calls, Is.EqualTo(3));
    }

    [Test]
    public async Task HonoursRetryAfterOn429()
    {
        var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMilliseconds(300));
        var inner = new ScriptedHandler(throttled, HttpStatusCode.OK);
        var started = DateTime.UtcNow;
        using var response = await Invoker(inner).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "waited as Retry-After said");
    }

    [Test]
    public async Task GivesUpWhenRetryAfterIsLongerThanTheBound()
    {
        var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));
        var inner = new ScriptedHandler(throttled, HttpStatusCode.OK);
        using var response = await Invoker(inner).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task BoundedNumberOfAttempts()
    {
        var inner = new ScriptedHandler(HttpStatusCode.InternalServerError);
        using var response = await Invoker(inner, maxRetries: 2).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(inner.Calls, Is.EqualTo(3));
    }

    [Test]
    public async Task RetriesConnectionResets()
    {
        var inner = new ScriptedHandler(new HttpRequestException("reset", new IOException("connection reset")), HttpStatusCode.OK);
        using var response = await Invoker(inner).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public void DoesNotRetryTlsFailures()
    {
        var inner = new ScriptedHandler(new HttpRequestException(HttpRequestError.SecureConnectionError, "tls"), HttpStatusCode.OK);
        Assert.ThrowsAsync<HttpRequestException>(() => Invoker(inner).SendAsync(Get(), CancellationToken.None));
        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task DoesNotRetryClientErrors()
    {
        var inner = new ScriptedHandler(HttpStatusCode.NotFound, HttpStatusCode.OK);
        using var response = await Invoker(inner).SendAsync(Get(), CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task NeverResendsAStreamedBody()
    {
        var inner = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:1/x") { Content = new StreamContent(new MemoryStream([1, 2, 3])) };
        using var response = await Invoker(inner).SendAsync(request, CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task ResendsAnInMemoryBody()
    {
        var inner = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created);
        var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:1/x") { Content = new ByteArrayContent([1, 2, 3]) };
        using var response = await Invoker(inner).SendAsync(request, CancellationToken.None);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
