using System.Net;
using Amazon.S3;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// Which storage class each write uses: blobs INTELLIGENT_TIERING (or --storage-class), metadata
/// STANDARD. Many S3-compatible servers (Ceph RGW, MinIO) reject classes they have no placement
/// for; the first rejection switches the rest of the run to STANDARD with a single warning.
/// </summary>
internal sealed class StorageClassPolicy(string? blobClass)
{
    private readonly S3StorageClass _blob = string.IsNullOrWhiteSpace(blobClass)
        ? S3StorageClass.IntelligentTiering
        : new S3StorageClass(blobClass.Trim().ToUpperInvariant());
    private volatile bool _fellBack;
    private int _warned;

    /// <summary>The class blobs are written with (before any fallback).</summary>
    public string BlobClass => _blob.Value;

    /// <summary>Set once a non-STANDARD class was accepted by the server, or was replaced.</summary>
    public bool Settled { get; set; }

    public S3StorageClass For(ObjectClass objectClass) =>
        objectClass == ObjectClass.Blob && !_fellBack ? _blob : S3StorageClass.Standard;

    public static bool IsStandard(S3StorageClass storageClass) => storageClass.Value == S3StorageClass.Standard.Value;

    /// <summary>True (after warning once) when <paramref name="e"/> is the server refusing <paramref name="used"/>.</summary>
    public bool TryFallBack(AmazonS3Exception e, S3StorageClass used, string store, Action<string> warn)
    {
        if (IsStandard(used) || e.StatusCode != HttpStatusCode.BadRequest) return false;
        if (e.ErrorCode is not ("InvalidArgument" or "InvalidStorageClass")) return false;
        _fellBack = true;
        Settled = true;
        if (Interlocked.Exchange(ref _warned, 1) == 0)
            warn($"{store} does not accept storage class {used.Value} ({e.ErrorCode}); using STANDARD for the rest of this run");
        return true;
    }
}
