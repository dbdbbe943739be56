using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Core.Oci;

/// <summary>
/// A manifest or index exactly as stored or received (its bytes define its digest), with the
/// parsed form alongside. Exactly one of <see cref="Manifest"/> and <see cref="Index"/> is set.
/// </summary>
public sealed class ManifestBlob
{
    private ManifestBlob(byte[] bytes, string mediaType, ImageManifest? manifest, ImageIndex? index)
    {
        Bytes = bytes;
        MediaType = mediaType;
        Manifest = manifest;
        Index = index;
        Digest = Digest.Compute(bytes);
    }

    public byte[] Bytes { get; }
    public string MediaType { get; }
    public Digest Digest { get; }
    public long Size => Bytes.LongLength;
    public ImageManifest? Manifest { get; }
    public ImageIndex? Index { get; }
    public bool IsIndex => Index is not null;

    public Descriptor ToDescriptor(Platform? platform = null) =>
        new() { MediaType = MediaType, Digest = Digest.ToString(), Size = Size, Platform = platform };

    /// <summary>
    /// Parses stored or received bytes. The media type comes from the document's own
    /// <c>mediaType</c>, else from <paramref name="mediaTypeHint"/> (a descriptor or a
    /// Content-Type), else from its shape (<c>manifests</c> means an index).
    /// </summary>
    public static ManifestBlob Parse(byte[] bytes, string what, string? mediaTypeHint = null)
    {
        if (bytes.Length > OciJson.MaxDocumentBytes)
            throw new S3loException($"{what} is {bytes.Length} bytes, over the {OciJson.MaxDocumentBytes}-byte limit for manifests");
        var mediaType = ReadMediaType(bytes, what) ?? mediaTypeHint;
        bool isIndex;
        if (MediaTypes.IsIndex(mediaType)) isIndex = true;
        else if (MediaTypes.IsManifest(mediaType)) isIndex = false;
        else if (mediaType is null) isIndex = HasProperty(bytes, "manifests", what);
        else throw new S3loException($"{what} has unsupported media type '{mediaType}'");
        mediaType ??= isIndex ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        return isIndex
            ? new ManifestBlob(bytes, mediaType, null, Validate(OciJson.ParseIndex(bytes, what), what))
            : new ManifestBlob(bytes, mediaType, Validate(OciJson.ParseManifest(bytes, what), what), null);
    }

    public static ManifestBlob FromManifest(ImageManifest manifest) =>
        Parse(OciJson.Serialize(manifest), "generated manifest");

    // Untrusted documents: a null where a list or object belongs is refused here, not met later as a crash.
    private static ImageManifest Validate(ImageManifest manifest, string what)
    {
        if (manifest.SchemaVersion != 2)
            throw new S3loException($"{what} has schemaVersion {manifest.SchemaVersion}; only schema 2 manifests are supported");
        if (manifest.Config is null) throw new S3loException($"{what} has no config");
        if (manifest.Layers is null || manifest.Layers.Any(l => l is null)) throw new S3loException($"{what} has no valid layers list");
        CheckSize(manifest.Config, what);
        foreach (var layer in manifest.Layers) CheckSize(layer, what);
        return manifest;
    }

    private static ImageIndex Validate(ImageIndex index, string what)
    {
        if (index.SchemaVersion != 2)
            throw new S3loException($"{what} has schemaVersion {index.SchemaVersion}; only schema 2 indexes are supported");
        if (index.Manifests is null || index.Manifests.Any(m => m is null)) throw new S3loException($"{what} has no valid manifests list");
        foreach (var entry in index.Manifests) CheckSize(entry, what);
        return index;
    }

    // A negative size would reach buffer allocations and range requests as a crash; it is bad data.
    private static void CheckSize(Descriptor descriptor, string what)
    {
        if (descriptor.Size < 0)
            throw new S3loException($"{what} gives {descriptor.Digest} a negative size ({descriptor.Size})",
                "the document is corrupt or was not written by an OCI tool; push or copy the image again");
    }

    private static string? ReadMediaType(byte[] bytes, string what)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new S3loException($"{what} is not a JSON object");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var isMediaType = reader.ValueTextEquals("mediaType"u8);
                reader.Read();
                if (isMediaType && reader.TokenType == JsonTokenType.String) return reader.GetString();
                reader.Skip();
            }
            return null;
        }
        catch (JsonException e)
        {
            throw new S3loException($"{what} is not valid JSON: {e.Message}", inner: e);
        }
    }

    private static bool HasProperty(byte[] bytes, string name, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.TryGetProperty(name, out _);
        }
        catch (JsonException e)
        {
            throw new S3loException($"{what} is not valid JSON: {e.Message}", inner: e);
        }
    }
}
