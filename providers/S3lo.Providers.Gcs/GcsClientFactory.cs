using System.Diagnostics.CodeAnalysis;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Requests;
using Google.Apis.Util;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Net;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

internal static class GcsClientFactory
{
    private const DynamicallyAccessedMemberTypes JsonShape =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>
    /// Builds a client for <paramref name="endpoint"/> with Application Default Credentials
    /// (GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, the metadata server), or none for an emulator.
    /// </summary>
    /// <remarks>
    /// Native AOT: the Google libraries read these types by reflection (Newtonsoft.Json), so the trimmer
    /// must keep them whole; without them every call fails in the native binary (error responses and
    /// credential files cannot be read). The host must also root Google.Apis.Storage.v1
    /// (<c>&lt;TrimmerRootAssembly Include="Google.Apis.Storage.v1" /&gt;</c>): its request and data types
    /// are all read by reflection. What Newtonsoft.Json needs is kept (constructors and properties);
    /// <see cref="DynamicallyAccessedMemberTypes.All"/> would also keep nested enums with their
    /// <see cref="Enum"/> members, whose <c>Enum.GetValues(Type)</c> is an AOT warning (IL3050).
    /// </remarks>
    [DynamicDependency(JsonShape, typeof(RequestError))]
    [DynamicDependency(JsonShape, typeof(SingleError))]
    [DynamicDependency(JsonShape, typeof(StandardResponse<>))]
    [DynamicDependency(JsonShape, typeof(JsonCredentialParameters))]
    [DynamicDependency(JsonShape, typeof(JsonCredentialParameters.CredentialSource))]
    [DynamicDependency(JsonShape, typeof(JsonCredentialParameters.CredentialSource.SubjectTokenFormat))]
    public static async Task<GcsConnection> ConnectAsync(GcsEndpoint endpoint, StoreOptions options, CancellationToken ct,
        Func<CancellationToken, Task<GoogleCredential>>? credentials = null, ILogger? logger = null)
    {
        GoogleCredential? credential = null;
        if (endpoint.Authenticated)
        {
            try
            {
                // Application Default Credentials are looked up once per process (the library caches them).
                credential = await (credentials ?? GoogleCredential.GetApplicationDefaultAsync)(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw GcsErrors.NoCredentials(e.Message);
            }
        }
        var builder = new StorageClientBuilder { ApplicationName = "s3lo", HttpClientFactory = new GcsHttpClientFactory(IdleTimeout.FromEnvironment(), logger ?? NullLogger.Instance) };
        if (endpoint.BaseUri is { } baseUri) builder.BaseUri = baseUri.ToString();
        if (credential is null) builder.UnauthenticatedAccess = true;
        else builder.GoogleCredential = credential;
        var client = await builder.BuildAsync(ct).ConfigureAwait(false);
        if (options.Timeout is { } timeout && timeout > TimeSpan.Zero) client.Service.HttpClient.Timeout = timeout;
        return new GcsConnection(client, endpoint, credential, SignerFor(credential));
    }

    /// <summary>Service-account keys sign locally; impersonated credentials sign through IAM. Others cannot sign.</summary>
    internal static UrlSigner? SignerFor(GoogleCredential? credential) => credential?.UnderlyingCredential switch
    {
        ServiceAccountCredential account => UrlSigner.FromCredential(account),
        ImpersonatedCredential impersonated => UrlSigner.FromCredential(impersonated),
        _ => null,
    };
}
