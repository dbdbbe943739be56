using Google.Cloud.Storage.V1;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

/// <summary>V4 signed GET URLs, for credentials that can sign.</summary>
public sealed partial class GcsObjectStore : IPresignedReads
{
    /// <summary>
    /// A V4 signed GET URL (at most 7 days), or null when the credentials cannot sign: user credentials,
    /// the metadata server, external accounts, an emulator without credentials. A service-account key
    /// signs locally; impersonated credentials sign through the IAM API, one request per URL. Against an
    /// emulator the URL points at the emulator.
    /// </summary>
    public async ValueTask<Uri?> PresignReadAsync(string key, TimeSpan ttl, CancellationToken ct)
    {
        if (_connection.Signer is not { } signer) return null;
        var template = UrlSigner.RequestTemplate.FromBucket(_bucket).WithObjectName(key).WithHttpMethod(HttpMethod.Get);
        var options = UrlSigner.Options.FromDuration(ttl);
        if (_connection.Endpoint.BaseUri is { } endpoint)
        {
            options = options.WithScheme(endpoint.Scheme).WithHost(endpoint.Host).WithPort(endpoint.IsDefaultPort ? null : endpoint.Port);
        }
        try
        {
            return new Uri(await signer.SignAsync(template, options, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (Map(e, "signing a URL for " + key, ct) is { } mapped)
        {
            throw mapped;
        }
    }
}
