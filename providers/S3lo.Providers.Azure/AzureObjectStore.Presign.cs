using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>Read-only SAS URLs: a service SAS with a shared key, a user-delegation SAS with Azure AD credentials.</summary>
public sealed partial class AzureObjectStore : IPresignedReads
{
    private static readonly TimeSpan MaxDelegationKeyLifetime = TimeSpan.FromDays(7);
    private readonly SemaphoreSlim _delegationKeyLock = new(1, 1);
    private volatile UserDelegationKey? _delegationKey;
    private volatile bool _delegationRefused;

    /// <summary>
    /// A URL that reads <paramref name="key"/> without credentials until <paramref name="ttl"/> passes, or null
    /// when these credentials cannot make one. A shared key (an account key connection string, Azurite's
    /// too) signs locally. Azure AD credentials sign with a user delegation key, fetched once and reused
    /// for an hour or more; an identity refused that key (it lacks generateUserDelegationKey, which the
    /// Storage Blob Data roles include) gets null from then on. A SAS connection string gives null: its
    /// own token may allow writes and outlive the TTL, so it is never handed out.
    /// </summary>
    public async ValueTask<Uri?> PresignReadAsync(string key, TimeSpan ttl, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var blob = _container.GetBlobClient(key);
        var expiresOn = DateTimeOffset.UtcNow + ttl;
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        if (!_usesTokenCredential || _delegationRefused || ttl > MaxDelegationKeyLifetime) return null;
        var delegationKey = await DelegationKeyAsync(expiresOn, key, ct).ConfigureAwait(false);
        return delegationKey is null ? null : blob.GenerateUserDelegationSasUri(BlobSasPermissions.Read, expiresOn, delegationKey);
    }

    /// <summary>A delegation key valid until at least <paramref name="expiresOn"/>: the cached one, else one fetched (one request at a time).</summary>
    private async Task<UserDelegationKey?> DelegationKeyAsync(DateTimeOffset expiresOn, string key, CancellationToken ct)
    {
        if (_delegationKey is { } cached && cached.SignedExpiresOn >= expiresOn) return cached;
        await _delegationKeyLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_delegationKey is { } fetched && fetched.SignedExpiresOn >= expiresOn) return fetched;
            if (_delegationRefused) return null;
            var response = await _service.GetUserDelegationKeyAsync(DelegationKeyRequest(expiresOn), ct).ConfigureAwait(false);
            return _delegationKey = response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            _delegationRefused = true;
            return null;
        }
        catch (Exception e) when (Translate(e, "get a user delegation key for", key, ct) is { } mapped)
        {
            throw mapped;
        }
        finally
        {
            _delegationKeyLock.Release();
        }
    }

    /// <summary>A key valid a little past <paramref name="needed"/> (at least an hour, at most the 7 days Azure allows), reused while it lasts.</summary>
    private static BlobGetUserDelegationKeyOptions DelegationKeyRequest(DateTimeOffset needed)
    {
        var now = DateTimeOffset.UtcNow;
        var wanted = needed + TimeSpan.FromMinutes(5) > now + TimeSpan.FromHours(1) ? needed + TimeSpan.FromMinutes(5) : now + TimeSpan.FromHours(1);
        var expiresOn = wanted > now + MaxDelegationKeyLifetime ? now + MaxDelegationKeyLifetime : wanted;
        return new BlobGetUserDelegationKeyOptions(expiresOn) { StartsOn = now.AddMinutes(-5) };
    }
}
