using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Signing;

/// <summary>Reads and writes the <c>signatures/&lt;keyid&gt;.json</c> files beside a tag.</summary>
public static class TagSignatures
{
    /// <summary>Every signature file of the tag, sorted by key ID; unreadable or malformed ones carry a problem.</summary>
    public static async Task<IReadOnlyList<StoredSignature>> ListAsync(ImageBucket bucket, string repository, string tag, CancellationToken ct)
    {
        var prefix = BucketLayout.SignaturesPrefix(repository, tag);
        var keys = new List<string>();
        await foreach (var info in bucket.Store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            // Only <keyid>.json directly below: signatures/ may also hold the tags of an image named ".../signatures".
            if (BucketLayout.IsSignatureFileName(info.Key[prefix.Length..])) keys.Add(info.Key);
        }
        keys.Sort(StringComparer.Ordinal);
        var found = new List<StoredSignature>(keys.Count);
        foreach (var key in keys)
        {
            var keyId = key[prefix.Length..^".json".Length];
            byte[] bytes;
            try
            {
                bytes = await bucket.ReadAllAsync(key, ct).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                continue; // deleted since the listing
            }
            found.Add(Parse(keyId, bytes));
        }
        return found;
    }

    /// <summary>Writes (or replaces) the signature file named by the document's key ID.</summary>
    public static async Task WriteAsync(ImageBucket bucket, string repository, string tag, SignatureDocument document, CancellationToken ct) =>
        await WriteRawAsync(bucket, repository, tag, document.KeyId, Serialize(document), ct).ConfigureAwait(false);

    /// <summary>Writes a signature file's bytes as they are (a copy between buckets keeps them byte-exact).</summary>
    public static async Task WriteRawAsync(ImageBucket bucket, string repository, string tag, string keyId, byte[] bytes, CancellationToken ct)
    {
        var key = BucketLayout.SignaturesPrefix(repository, tag) + keyId + ".json";
        if (!BucketLayout.IsSignatureFileName(key[BucketLayout.SignaturesPrefix(repository, tag).Length..]))
            throw new ArgumentException($"'{keyId}' is not a key ID (16 lowercase hex characters)", nameof(keyId));
        using var content = new MemoryStream(bytes, writable: false);
        await bucket.Store.PutAsync(key, content, bytes.Length, PutOptions.Metadata, ct).ConfigureAwait(false);
    }

    public static byte[] Serialize(SignatureDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, SigningJsonContext.File.SignatureDocument);

    public static StoredSignature Parse(string keyId, byte[] bytes)
    {
        SignatureDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, SigningJsonContext.File.SignatureDocument);
        }
        catch (JsonException e)
        {
            return new StoredSignature(keyId, bytes, null, $"not a signature file: {e.Message}");
        }
        if (document is null) return new StoredSignature(keyId, bytes, null, "not a signature file: empty");
        if (document.SchemaVersion != 1)
            return new StoredSignature(keyId, bytes, document, $"schemaVersion {document.SchemaVersion} is not supported (1 is)");
        return new StoredSignature(keyId, bytes, document, null);
    }
}
