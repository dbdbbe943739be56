using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace S3lo.Providers.Gcs;

/// <summary>A ready client and what came with its credentials.</summary>
internal sealed class GcsConnection(StorageClient client, GcsEndpoint endpoint, GoogleCredential? credential, UrlSigner? signer) : IDisposable
{
    public StorageClient Client { get; } = client;
    public GcsEndpoint Endpoint { get; } = endpoint;
    public GoogleCredential? Credential { get; } = credential;
    /// <summary>Null when the credentials cannot sign URLs (user credentials, metadata server, emulator).</summary>
    public UrlSigner? Signer { get; } = signer;

    /// <summary>The project new buckets go to: the environment, then the credentials; any name for an emulator.</summary>
    public async Task<string?> ProjectIdAsync(CancellationToken ct)
    {
        foreach (var variable in (string[])["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } project) return project;
        }
        switch (Credential?.UnderlyingCredential)
        {
            case null:
                return Endpoint.Authenticated ? null : "s3lo-emulator";
            case ServiceAccountCredential { ProjectId: { Length: > 0 } project }:
                return project;
            case ComputeCredential:
                try
                {
                    var platform = await Google.Api.Gax.Platform.InstanceAsync().WaitAsync(ct).ConfigureAwait(false);
                    if (platform.ProjectId is { Length: > 0 } onPlatform) return onPlatform;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // No metadata server after all: fall through to the quota project or an error.
                }
                break;
        }
        return Credential?.QuotaProject is { Length: > 0 } quota ? quota : null;
    }

    public void Dispose() => Client.Dispose();
}
