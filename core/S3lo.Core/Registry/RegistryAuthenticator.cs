using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>
/// The auth state of one registry: the challenge it answered with, the credentials for it (asked
/// for once, only when a challenge needs them), and bearer tokens cached per scope set until they
/// expire. Tokens come from the challenge's realm, any http(s) URL; the credentials go with the
/// token request only where <see cref="RealmMayReceiveCredentials"/> says, else it is anonymous.
/// </summary>
internal sealed class RegistryAuthenticator(
    string registry,
    string apiHost,
    bool insecure,
    IRegistryCredentialProvider? credentials,
    HttpMessageInvoker sameHostTokenClient,
    HttpMessageInvoker foreignTokenClient,
    string userAgent,
    ILogger logger,
    TimeProvider time)
{
    private const string ClientId = "s3lo";
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private readonly SemaphoreSlim _credentialLock = new(1, 1);
    private volatile AuthChallenge? _challenge;
    private bool _credentialsLoaded;
    private RegistryCredential? _credential;

    /// <summary>How many tokens were fetched from the realm (tests check the cache with it).</summary>
    public int TokensFetched;

    public AuthChallenge? Challenge => _challenge;

    /// <summary>Remembers the challenge to answer from now on: Bearer when offered, else Basic. False when none is usable.</summary>
    public bool Learn(IReadOnlyList<AuthChallenge> challenges)
    {
        var chosen = challenges.FirstOrDefault(c => c.IsBearer && !string.IsNullOrEmpty(c.Realm)) ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (chosen is null) return false;
        if (chosen.IsBearer) ValidateRealm(chosen.Realm!);
        _challenge = chosen;
        return true;
    }

    /// <summary>
    /// The Authorization header for a request needing <paramref name="scopes"/>, or null (no
    /// challenge seen yet, or nothing to answer it with). <paramref name="rejected"/> is the header a
    /// 401 just refused: a cached token equal to it is dropped and a new one fetched.
    /// </summary>
    public async Task<AuthenticationHeaderValue?> GetHeaderAsync(string[] scopes, AuthenticationHeaderValue? rejected, CancellationToken ct)
    {
        var challenge = _challenge;
        if (challenge is null) return null;
        var credential = await GetCredentialAsync(ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is not { HasUserPassword: true }) return null;
            var basic = BasicHeader(credential);
            return rejected is not null && rejected.ToString() == basic.ToString() ? null : basic;
        }

        if (credential?.RegistryToken is { } registryToken)
        {
            var header = new AuthenticationHeaderValue("Bearer", registryToken);
            return rejected is not null && rejected.ToString() == header.ToString() ? null : header;
        }
        var effective = scopes.Length > 0 ? scopes : SplitScopes(challenge.Scope);
        var prefix = $"{challenge.Realm}\n{challenge.Service}\n";
        var key = prefix + string.Join(' ', effective.Order(StringComparer.Ordinal));
        if (rejected?.Parameter is { } refused) Forget(refused);
        if (TryCached(prefix, key, effective) is { } cached) return cached;

        await _tokenLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (TryCached(prefix, key, effective) is { } again) return again;
            var token = await FetchTokenAsync(challenge, effective, credential, ct).ConfigureAwait(false);
            if (token is null) return null;
            _tokens[key] = token;
            return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>A live token for exactly these scopes, else one whose scopes cover them (a pull,push token serves a pull).</summary>
    private AuthenticationHeaderValue? TryCached(string prefix, string key, string[] scopes)
    {
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(key, out var exact))
        {
            if (exact.ExpiresAt > now) return new AuthenticationHeaderValue("Bearer", exact.Value);
            _tokens.TryRemove(new KeyValuePair<string, CachedToken>(key, exact));
        }
        foreach (var (otherKey, token) in _tokens)
        {
            if (otherKey.StartsWith(prefix, StringComparison.Ordinal) && token.ExpiresAt > now && Covers(token.Scopes, scopes))
                return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        return null;
    }

    private void Forget(string tokenValue)
    {
        foreach (var entry in _tokens)
        {
            if (entry.Value.Value == tokenValue) _tokens.TryRemove(entry);
        }
    }

    /// <summary>Every wanted <c>type:name:actions</c> scope is granted by one held scope of the same type and name with at least those actions.</summary>
    internal static bool Covers(IReadOnlyList<string> held, IReadOnlyList<string> wanted) =>
        wanted.All(w =>
        {
            var (type, name, actions) = SplitScope(w);
            return held.Any(h =>
            {
                var (hType, hName, hActions) = SplitScope(h);
                return hType == type && hName == name && actions.All(hActions.Contains);
            });
        });

    private static (string Type, string Name, string[] Actions) SplitScope(string scope)
    {
        var first = scope.IndexOf(':', StringComparison.Ordinal);
        var last = scope.LastIndexOf(':');
        return first < 0 || last <= first
            ? (scope, "", [])
            : (scope[..first], scope[(first + 1)..last], scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<RegistryCredential?> GetCredentialAsync(CancellationToken ct)
    {
        if (credentials is null) return null;
        if (Volatile.Read(ref _credentialsLoaded)) return _credential;
        await _credentialLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_credentialsLoaded)
            {
                _credential = await credentials.GetAsync(registry, ct).ConfigureAwait(false);
                Volatile.Write(ref _credentialsLoaded, true);
                logger.LogDebug("registry: {Registry}: {Which}", registry, _credential is null ? "no credentials found; going on anonymously" : "using credentials for " + (_credential.Username ?? "a token"));
            }
            return _credential;
        }
        finally
        {
            _credentialLock.Release();
        }
    }

    private async Task<CachedToken?> FetchTokenAsync(AuthChallenge challenge, string[] scopes, RegistryCredential? credential, CancellationToken ct)
    {
        var realm = ValidateRealm(challenge.Realm!);
        var withheld = credential is null ? null : RealmMayReceiveCredentials(realm, apiHost, insecure);
        if (withheld is not null)
        {
            logger.LogDebug("registry: {Registry}: not sending credentials to the token realm {Realm}: {Reason}; asking for a token anonymously",
                registry, RegistryRequestOptions.ForLog(realm), withheld);
            credential = null;
        }
        using var request = credential?.IdentityToken is { } refresh
            ? RefreshRequest(realm, challenge.Service, scopes, refresh)
            : TokenRequest(realm, challenge.Service, scopes, credential);
        request.Headers.UserAgent.ParseAdd(userAgent);
        var client = SameAuthority(realm, apiHost) ? sameHostTokenClient : foreignTokenClient;
        using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
        Interlocked.Increment(ref TokensFetched);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            if (withheld is not null)
                throw new S3loException($"the token server of {registry} ({RegistryRequestOptions.ForLog(realm)}) refused an anonymous token: s3lo did not send it the credentials because {withheld}",
                    "the token realm must be https; plain http gets credentials only from a loopback registry to a loopback realm, or on the registry's own host with --insecure");
            if (credential is null) return null; // anonymous refused: the request goes on without a token and its 401 says so
            throw new S3loException($"the token server of {registry} ({realm.Host}) refused the credentials{(credential.Username is { } u ? " of " + u : "")}: HTTP {(int)response.StatusCode}",
                "check the user name and password (or token), or log in again with 'docker login'");
        }
        if (!response.IsSuccessStatusCode)
            throw new S3loException($"the token server of {registry} ({RegistryRequestOptions.ForLog(realm)}) answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}",
                "try again later; with --verbose every request is logged");
        var body = await RegistryHttp.ReadCappedAsync(response.Content, RegistryJson.MaxDocumentBytes, $"token response of {registry}", ct).ConfigureAwait(false);
        var parsed = RegistryJson.ParseToken(body, $"the token response of {registry}");
        var value = !string.IsNullOrEmpty(parsed.Token) ? parsed.Token : parsed.AccessToken;
        if (string.IsNullOrEmpty(value)) throw new S3loException($"the token server of {registry} answered without a token");
        if (value.Any(c => char.IsControl(c) || c == ' ')) throw new S3loException($"the token server of {registry} answered with a malformed token");
        // The spec's default lifetime is 60 s; renew a little early so a request never carries a just-expired token.
        var lifetime = TimeSpan.FromSeconds(Math.Clamp(parsed.ExpiresIn is > 0 ? parsed.ExpiresIn.Value : 60, 1, 24 * 3600));
        var issued = DateTimeOffset.TryParse(parsed.IssuedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at <= time.GetUtcNow()
            ? at
            : time.GetUtcNow();
        var expires = issued + lifetime - TimeSpan.FromSeconds(Math.Min(30, lifetime.TotalSeconds / 10));
        logger.LogDebug("registry: {Registry}: token for {Scopes} valid for {Seconds:0} s", registry, string.Join(" ", scopes), (expires - time.GetUtcNow()).TotalSeconds);
        return new CachedToken(value, expires, scopes);
    }

    private static HttpRequestMessage TokenRequest(Uri realm, string? service, string[] scopes, RegistryCredential? credential)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] : "");
        void Add(string name, string value) => query.Append(query.Length > 0 ? "&" : "").Append(name).Append('=').Append(Uri.EscapeDataString(value));
        if (!string.IsNullOrEmpty(service)) Add("service", service);
        foreach (var scope in scopes) Add("scope", scope);
        if (credential is { HasUserPassword: true }) Add("account", credential.Username!);
        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credential is { HasUserPassword: true }) request.Headers.Authorization = BasicHeader(credential);
        request.Options.Set(RegistryRequestOptions.Scopes, []);
        return request;
    }

    private static HttpRequestMessage RefreshRequest(Uri realm, string? service, string[] scopes, string refreshToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", ClientId),
        };
        if (!string.IsNullOrEmpty(service)) form.Add(new("service", service));
        if (scopes.Length > 0) form.Add(new("scope", string.Join(' ', scopes)));
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static string[] SplitScopes(string? scope) =>
        string.IsNullOrEmpty(scope) ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The realm must be an absolute http(s) URL without user info or fragment.</summary>
    private Uri ValidateRealm(string realm)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new S3loException($"registry {registry} named an authentication realm that is not an http(s) URL; refusing to use it",
                "the WWW-Authenticate realm must be an absolute https:// URL");
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            throw new S3loException($"registry {registry} named an authentication realm with user info or a fragment; refusing to use it");
        return uri;
    }

    /// <summary>
    /// Null when the token realm may receive the registry's credentials, else why not. https: yes
    /// (Docker Hub's realm is another host). Plain http: only on the registry's own host when the
    /// registry itself is spoken to over http (loopback or --insecure), or when realm and registry
    /// are both loopback — a plain-http realm elsewhere would show the password to the network.
    /// </summary>
    internal static string? RealmMayReceiveCredentials(Uri realm, string apiHost, bool insecure)
    {
        if (realm.Scheme == Uri.UriSchemeHttps) return null;
        var registryIsLoopback = RegistryReference.IsLoopbackHost(apiHost);
        if (SameAuthority(realm, apiHost))
            return insecure || registryIsLoopback ? null : "it is plain http on the registry's host, which s3lo reaches over https";
        if (registryIsLoopback && RegistryReference.IsLoopbackHost(realm.Authority)) return null;
        return "it is plain http on another host than the registry";
    }

    internal static bool SameAuthority(Uri uri, string hostAndPort)
    {
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? 443 : 80;
        var expected = hostAndPort.Contains(':', StringComparison.Ordinal) && !hostAndPort.EndsWith(']') ? hostAndPort : $"{hostAndPort}:{defaultPort}";
        return string.Equals($"{uri.Host}:{uri.Port}", expected, StringComparison.OrdinalIgnoreCase)
            || string.Equals(uri.Authority, hostAndPort, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt, IReadOnlyList<string> Scopes)
    {
        public override string ToString() => $"CachedToken {{ ExpiresAt = {ExpiresAt:O} }}";
    }
}
