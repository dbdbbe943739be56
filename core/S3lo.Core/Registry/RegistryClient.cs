using System.Collections.Concurrent;
using System.Net;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Net;
using S3lo.Core.References;
using Microsoft.Extensions.Logging;

namespace S3lo.Core.Registry;

/// <summary>
/// An OCI Distribution API client for one registry (host[:port]); any repository on it. Three HTTP
/// pipelines are composed once: to the registry (retry → auth → logging), to the registry without
/// auth (the ping and token requests on its own host), and to other hosts (retry → logging, TLS
/// always verified) for redirects to blob storage, token realms and upload locations elsewhere —
/// so an Authorization header never leaves the registry's host.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly RegistryClientOptions _options;
    private readonly HttpMessageInvoker _api;
    private readonly HttpMessageInvoker _plain;
    private readonly HttpMessageInvoker _foreign;
    private readonly SemaphoreSlim _baseLock = new(1, 1);
    private readonly ConcurrentDictionary<string, Uri> _pendingUploads = new(StringComparer.Ordinal);
    private Uri? _base;

    /// <param name="registry">As references name it: <c>docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>.</param>
    public RegistryClient(string registry, RegistryClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // "host/probe" parses with host as the registry only when host looks like one (docker's rule).
        if (!RegistryReference.TryParse(registry + "/probe", out var probe)
            || (probe!.Registry != registry && !(probe.IsDockerHub && registry == "index.docker.io")))
            throw new UsageException($"invalid registry host '{ReferenceErrors.Show(registry)}'",
                "a registry is a host name or IP address with an optional :PORT, e.g. ghcr.io or 127.0.0.1:5000");
        Registry = probe.Registry;
        ApiHost = probe.ApiHost;
        _options = options ?? new RegistryClientOptions();

        var registrySockets = NewSockets(_options, trustAnyCertificate: _options.Insecure);
        var foreignSockets = NewSockets(_options, trustAnyCertificate: false);
        _plain = new HttpMessageInvoker(Retry(Log(registrySockets)));
        _foreign = new HttpMessageInvoker(Retry(Log(foreignSockets)));
        Authenticator = new RegistryAuthenticator(registry, ApiHost, _options.Insecure, _options.Credentials, _plain, _foreign,
            _options.UserAgent, _options.Logger, _options.Time);
        _api = new HttpMessageInvoker(Retry(new RegistryAuthHandler(Authenticator, registry) { InnerHandler = Log(registrySockets) }));
    }

    /// <summary>A client for the registry a reference names.</summary>
    public static RegistryClient For(RegistryReference reference, RegistryClientOptions? options = null) => new(reference.Registry, options);

    public string Registry { get; }

    /// <summary>Where the API is served: <c>registry-1.docker.io</c> for Docker Hub, else <see cref="Registry"/>.</summary>
    public string ApiHost { get; }

    internal RegistryAuthenticator Authenticator { get; }

    /// <summary>The API root in use (https, or http where allowed and https failed); null before the first request.</summary>
    public Uri? BaseUri => _base;

    private static SocketsHttpHandler NewSockets(RegistryClientOptions options, bool trustAnyCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (trustAnyCertificate) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }

    private RegistryRetryHandler Retry(HttpMessageHandler inner) =>
        new(_options.MaxRetries, _options.RetryBaseDelay, _options.MaxRetryDelay, _options.Logger, _options.Time) { InnerHandler = inner };

    // The idle clock sits under the logging (a stall is logged like any failure) and the retry.
    private RegistryLoggingHandler Log(HttpMessageHandler inner) =>
        new(_options.Logger) { InnerHandler = new IdleTimeoutHandler(_options.IdleTimeout) { InnerHandler = inner } };

    /// <summary>
    /// The API root, found once with <c>GET /v2/</c>: https first; plain http only for loopback or
    /// when insecure. The ping's 401 teaches the authenticator the challenge up front.
    /// </summary>
    private async Task<Uri> BaseAsync(CancellationToken ct)
    {
        if (_base is { } known) return known;
        await _baseLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_base is { } again) return again;
            var allowHttp = _options.Insecure || RegistryReference.IsLoopbackHost(ApiHost);
            Uri[] candidates = allowHttp
                ? [new Uri($"https://{ApiHost}/"), new Uri($"http://{ApiHost}/")]
                : [new Uri($"https://{ApiHost}/")];
            HttpRequestException? httpsFailure = null;
            for (var i = 0; i < candidates.Length; i++)
            {
                var candidate = candidates[i];
                using var request = NewRequest(HttpMethod.Get, new Uri(candidate, "v2/"), []);
                if (i < candidates.Length - 1) request.Options.Set(RegistryRequestOptions.NoRetry, true);
                try
                {
                    using var response = await _plain.SendAsync(request, ct).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.Unauthorized) LearnChallenge(response);
                    _base = candidate;
                    return candidate;
                }
                catch (HttpRequestException e) when (i < candidates.Length - 1 && !ct.IsCancellationRequested)
                {
                    _options.Logger.LogDebug("registry: {Registry} does not answer over https ({Error}); trying plain http", Registry, RegistryRequestOptions.Describe(e));
                    httpsFailure = e;
                }
                catch (HttpRequestException e) when (!ct.IsCancellationRequested)
                {
                    var both = httpsFailure is null ? "" : $" (over https: {RegistryRequestOptions.Describe(httpsFailure)})";
                    var hint = !allowHttp
                        ? "check the host name and the network; a registry that serves plain HTTP needs --insecure (--tls-verify=false)"
                        : httpsFailure is { HttpRequestError: HttpRequestError.SecureConnectionError } && !_options.Insecure
                            ? "check that the registry runs and listens there; a registry with a self-signed certificate needs --insecure (--tls-verify=false)"
                            : "check that the registry runs and listens there";
                    throw new S3loException($"cannot reach registry {Registry} at {candidate}: {RegistryRequestOptions.Describe(e)}{both}", hint, inner: e);
                }
            }
            throw new InvalidOperationException("unreachable");
        }
        finally
        {
            _baseLock.Release();
        }
    }

    private void LearnChallenge(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)) return;
        var challenges = new List<AuthChallenge>();
        foreach (var value in values)
        {
            try
            {
                challenges.AddRange(AuthChallenge.ParseAll(value));
            }
            catch (FormatException e)
            {
                throw AuthChallenge.Malformed(Registry, e);
            }
        }
        if (challenges.Count > 0) Authenticator.Learn(challenges);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri, string[] scopes)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        request.Options.Set(RegistryRequestOptions.Scopes, scopes);
        return request;
    }

    /// <summary>A request to a path under the API root.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string[] scopes, Action<HttpRequestMessage>? configure,
        bool followRedirects, CancellationToken ct)
    {
        var root = await BaseAsync(ct).ConfigureAwait(false);
        return await SendToAsync(method, new Uri(root, path), scopes, configure, followRedirects, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A request to any URL the registry handed out. Same origin as the API: through the auth
    /// pipeline. Elsewhere: without it, so no credential follows. Redirects (GET/HEAD) are followed
    /// here, never downgrading https to plain http except to loopback.
    /// </summary>
    private async Task<HttpResponseMessage> SendToAsync(HttpMethod method, Uri uri, string[] scopes, Action<HttpRequestMessage>? configure,
        bool followRedirects, CancellationToken ct)
    {
        var root = await BaseAsync(ct).ConfigureAwait(false);
        for (var hop = 0; ; hop++)
        {
            var sameOrigin = RegistryHttp.SameOrigin(uri, root);
            var request = NewRequest(method, uri, sameOrigin ? scopes : []);
            configure?.Invoke(request);
            HttpResponseMessage response;
            try
            {
                response = await (sameOrigin ? _api : _foreign).SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (!ct.IsCancellationRequested)
            {
                request.Dispose();
                throw new S3loException($"{method} {RegistryRequestOptions.ForLog(uri)} failed: {RegistryRequestOptions.Describe(e)}",
                    "the registry (or the storage it redirected to) could not be reached; retries were exhausted", inner: e);
            }
            if (!followRedirects || !IsRedirect(response.StatusCode) || response.Headers.Location is null) return response;
            var next = new Uri(uri, response.Headers.Location);
            response.Dispose();
            request.Dispose();
            if (hop >= MaxRedirects) throw new S3loException($"{Registry}: more than {MaxRedirects} redirects for {RegistryRequestOptions.ForLog(uri)}");
            if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                throw new S3loException($"{Registry} redirected to a non-http(s) URL; refusing to follow it");
            if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !RegistryReference.IsLoopbackHost(next.Authority))
                throw new S3loException($"{Registry} redirected from https to plain http ({next.Authority}); refusing to follow it");
            _options.Logger.LogDebug("registry: redirected to {Url}{Note}", RegistryRequestOptions.ForLog(next),
                RegistryHttp.SameOrigin(next, root) ? "" : " (another host: sent without credentials)");
            uri = next;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static void CheckRepository(string repository) => RegistryReference.ValidateRepository(repository, repository);

    /// <summary>A tag or a sha256 digest; the digest when it is one.</summary>
    private static Digest? CheckReference(string reference)
    {
        if (reference.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) || reference.Contains(':', StringComparison.Ordinal))
        {
            if (Digest.TryParse(reference, out var digest)) return digest;
            throw new UsageException($"invalid digest '{ReferenceErrors.Show(reference)}'", "a digest is sha256: followed by 64 lowercase hex digits");
        }
        if (!ReferenceGrammar.IsTag(reference))
            throw new UsageException($"invalid tag '{ReferenceErrors.Show(reference)}'",
                "tags are 1-128 letters, digits, '_', '.' and '-', and do not start with '.' or '-'");
        return null;
    }

    private string Describe(string repository, string reference) =>
        $"{Registry}/{repository}{(reference.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) ? "@" : ":")}{reference}";

    public void Dispose()
    {
        _api.Dispose();
        _plain.Dispose();
        _foreign.Dispose();
        _baseLock.Dispose();
    }
}
