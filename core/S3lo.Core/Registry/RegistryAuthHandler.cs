using System.Net;

namespace S3lo.Core.Registry;

/// <summary>
/// Anonymous until the registry challenges: then answers the 401 (Bearer token for the request's
/// scopes, or Basic) and sends the request once more; later requests carry the answer up front.
/// Sits only in front of the registry's own host: redirects elsewhere go through a pipeline
/// without it, so credentials never follow a redirect to blob storage.
/// </summary>
internal sealed class RegistryAuthHandler(RegistryAuthenticator authenticator, string registry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var scopes = RegistryRequestOptions.ScopesOf(request);
        if (request.Headers.Authorization is null)
            request.Headers.Authorization = await authenticator.GetHeaderAsync(scopes, null, cancellationToken).ConfigureAwait(false);

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !RegistryRequestOptions.CanResend(request)) return response;

        var challenges = new List<AuthChallenge>();
        if (response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values))
        {
            foreach (var value in values)
            {
                try
                {
                    challenges.AddRange(AuthChallenge.ParseAll(value));
                }
                catch (FormatException e)
                {
                    response.Dispose();
                    throw AuthChallenge.Malformed(registry, e);
                }
            }
        }
        if (challenges.Count == 0 || !authenticator.Learn(challenges)) return response;

        var sent = request.Headers.Authorization;
        var answer = await authenticator.GetHeaderAsync(scopes, sent, cancellationToken).ConfigureAwait(false);
        if (answer is null || (sent is not null && answer.ToString() == sent.ToString())) return response;
        response.Dispose();
        request.Headers.Authorization = answer;
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
