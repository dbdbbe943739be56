namespace S3lo.Core.Net;

/// <summary>
/// Fails a request whose connection goes quiet for longer than the idle timeout: while the body
/// is sent, while waiting for the answer, and on every read of the answer's body. A stall before
/// the headers is an <see cref="HttpRequestException"/> (retry handlers retry it); a stall in the
/// body is an <see cref="IOException"/> from the read (a resuming stream picks up from there).
/// Slow is fine: only silence counts, so a long upload or download that keeps moving is never cut.
/// </summary>
public sealed class IdleTimeoutHandler(TimeSpan idle) : DelegatingHandler
{
    /// <summary>
    /// Set on a request whose body streams from a source that may pause and whose answer may come long
    /// after it (the daemon loading an image): only the reading of the answer is watched then.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> AnswerOnly = new("S3lo.IdleTimeout.AnswerOnly");

    public TimeSpan Idle { get; } = idle;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Idle == Timeout.InfiniteTimeSpan) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Options.TryGetValue(AnswerOnly, out var answerOnly) && answerOnly)
        {
            var answer = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            answer.Content = new IdleTimeoutContent(answer.Content, Idle);
            return answer;
        }
        using var watchdog = new IdleWatchdog(Idle);
        var watch = watchdog.Begin();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watch);
        var bodyDone = request.Content is null;
        if (request.Content is { } content)
        {
            // Every chunk written restarts the clock; the end of the body starts the wait for the answer.
            request.Content = new ActivityContent(content, watchdog.Touch, () =>
            {
                bodyDone = true;
                watchdog.Touch();
            });
        }
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (watch.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or HttpRequestException or IOException)
        {
            var phase = bodyDone ? "no answer" : "the request body stopped moving";
            throw new HttpRequestException(HttpRequestError.Unknown,
                $"{phase}: nothing for {IdleTimeout.Describe(Idle)} ({IdleTimeout.Variable})",
                new IdleTimeoutException($"idle for {IdleTimeout.Describe(Idle)}"));
        }
        watchdog.End();
        response.Content = new IdleTimeoutContent(response.Content, Idle);
        return response;
    }
}
