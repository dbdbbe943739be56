using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>
/// Incomplete uploads on Azure: blobs that exist only as uncommitted blocks (a staged upload whose writer died
/// before the commit). The service discards them after a week by itself; clean drops them sooner.
/// </summary>
public sealed partial class AzureObjectStore : IIncompleteUploads
{
    public async IAsyncEnumerable<IncompleteUpload> ListIncompleteUploadsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }, ct).AsPages(pageSizeHint: 5000).GetAsyncEnumerator(ct);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (Translate(e, "list uncommitted blobs", null, ct) is { } mapped)
                {
                    throw mapped;
                }
                if (!more) yield break;
                foreach (var item in pages.Current.Values)
                {
                    // Committed blobs come in this listing too; only an empty one can be uncommitted (its length is that of committed data).
                    if (item.Properties.ContentLength is > 0) continue;
                    if (await UncommittedAsync(item, ct).ConfigureAwait(false) is { } upload) yield return upload;
                }
            }
        }
    }

    /// <summary>
    /// Committing an empty block list (only where no committed blob is: If-None-Match *) drops the staged blocks;
    /// the empty blob it leaves is then deleted by its ETag, so nothing a writer committed meanwhile is touched.
    /// </summary>
    public async Task AbortAsync(IncompleteUpload upload, CancellationToken ct)
    {
        var blob = _container.GetBlockBlobClient(upload.Key);
        try
        {
            var empty = await blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct)
                .ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = empty.Value.ETag }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A writer committed the blob meanwhile (or the empty one was replaced): it is not incomplete any more.
        }
        catch (Exception e) when (Translate(e, "abort the upload of", upload.Key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>The staged upload at <paramref name="item"/> when it has uncommitted blocks and no committed data.</summary>
    private async Task<IncompleteUpload?> UncommittedAsync(BlobItem item, CancellationToken ct)
    {
        var key = item.Name;
        BlockList blocks;
        try
        {
            blocks = (await _container.GetBlockBlobClient(key).GetBlockListAsync(BlockListTypes.All, cancellationToken: ct).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound.ToString())
        {
            return null; // committed or discarded meanwhile
        }
        catch (Exception e) when (Translate(e, "list the blocks of", key, ct) is { } mapped)
        {
            throw mapped;
        }
        if (blocks.CommittedBlocks.Any() || !blocks.UncommittedBlocks.Any()) return null;
        var initiated = item.Properties.CreatedOn ?? item.Properties.LastModified ?? DateTimeOffset.MinValue;
        return new IncompleteUpload(key, key, initiated, blocks.UncommittedBlocks.Sum(b => b.SizeLong));
    }
}
