using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Archives;

/// <summary>
/// The rules of the OCI image layout, shared by the directory and the tar form: the marker file, index.json
/// and its ref-name annotations, and blob names. Everything read here is untrusted and size-limited.
/// </summary>
internal static class OciLayout
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string BlobsDirectory = "blobs";
    public const string Sha256Directory = "blobs/sha256";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string Version = "1.0.0";

    /// <summary>The marker file is one tiny object; anything larger is not one.</summary>
    public const int MaxLayoutFileBytes = 64 * 1024;

    /// <summary>index.json lists every tag of the layout: more room than one manifest gets.</summary>
    public const int MaxIndexBytes = 16 * 1024 * 1024;

    public static readonly byte[] LayoutFileBytes =
        JsonSerializer.SerializeToUtf8Bytes(new OciLayoutFile { ImageLayoutVersion = Version }, OciLayoutJsonContext.Writer.OciLayoutFile);

    /// <summary><c>blobs/sha256/&lt;hex&gt;</c>; the digest is validated, so no other name is ever produced.</summary>
    public static string BlobName(Digest digest) => $"{Sha256Directory}/{digest.Hex}";

    /// <summary>A descriptor's digest as a validated sha256 digest; other algorithms are refused.</summary>
    public static Digest BlobDigest(Descriptor descriptor, string where)
    {
        if (Digest.TryParse(descriptor.Digest, out var digest)) return digest;
        throw NotSha256(descriptor, where);
    }

    /// <summary>
    /// The OCI digest grammar (<c>algorithm:encoded</c>): no '/', '.' or '..' can slip into a path. Entries of
    /// other algorithms may sit in an index.json; only the one that is read must be sha256.
    /// </summary>
    public static void CheckDigestShape(Descriptor descriptor, string where)
    {
        var text = descriptor.Digest ?? "";
        var colon = text.IndexOf(':');
        var valid = colon > 0 && colon < text.Length - 1
            && text[..colon].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '_' or '-')
            && text[(colon + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '=' or '_' or '-');
        if (!valid) throw NotSha256(descriptor, where);
    }

    private static S3loException NotSha256(Descriptor descriptor, string where) =>
        new($"{where} references '{ArchiveReference.Printable(descriptor.Digest ?? "")}', which is not a sha256:<64 lowercase hex> digest; nothing outside blobs/sha256/ is read");

    public static void CheckLayoutFile(byte[] bytes, string where)
    {
        OciLayoutFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, OciLayoutJsonContext.Reader.OciLayoutFile);
        }
        catch (JsonException e)
        {
            throw new S3loException($"{where}: oci-layout is not valid JSON: {e.Message}", inner: e);
        }
        var version = file?.ImageLayoutVersion;
        if (version is null || !version.StartsWith("1.", StringComparison.Ordinal))
            throw new S3loException($"{where}: unsupported OCI image layout version '{ArchiveReference.Printable(version ?? "")}'",
                $"s3lo reads layouts of version {Version}");
    }

    public static ImageIndex ParseIndex(byte[] bytes, string where)
    {
        if (bytes.Length > MaxIndexBytes)
            throw new S3loException($"{where}: index.json is {bytes.Length} bytes, over the {MaxIndexBytes}-byte limit");
        ImageIndex? index;
        try
        {
            index = JsonSerializer.Deserialize(bytes, OciLayoutJsonContext.Reader.ImageIndex);
        }
        catch (JsonException e)
        {
            throw new S3loException($"{where}: index.json is not valid JSON: {e.Message}", inner: e);
        }
        if (index is null || index.SchemaVersion != 2 || index.Manifests is null || index.Manifests.Any(m => m is null))
            throw new S3loException($"{where}: index.json is not an OCI image index (schemaVersion 2 with a manifests list)");
        foreach (var entry in index.Manifests)
        {
            CheckDigestShape(entry, $"{where}: index.json");
            if (entry.Size is < 0 or > OciJson.MaxDocumentBytes)
                throw new S3loException($"{where}: index.json gives {entry.Digest} a size of {entry.Size} bytes; manifests are at most {OciJson.MaxDocumentBytes}");
        }
        return index;
    }

    public static byte[] SerializeIndex(ImageIndex index) =>
        JsonSerializer.SerializeToUtf8Bytes(index, OciLayoutJsonContext.Writer.ImageIndex);

    public static string? RefName(Descriptor entry) =>
        entry.Annotations is { } a && a.TryGetValue(RefNameAnnotation, out var name) && name.Length > 0 ? name : null;

    /// <summary>The entry a tag names, or the only entry when no tag is given; otherwise an error naming what is there.</summary>
    public static Descriptor Select(ImageIndex index, string? tag, string where)
    {
        var names = index.Manifests.Select(RefName).Where(n => n is not null).Select(n => ArchiveReference.Printable(n!)).Distinct().ToList();
        var available = names.Count == 0 ? "it has no tagged image" : $"tags there: {string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", ..." : "")}";
        if (tag is null)
        {
            if (index.Manifests.Count == 1) return index.Manifests[0];
            if (index.Manifests.Count == 0) throw new NotFoundException($"{where} holds no image (index.json lists none)");
            throw new S3loException($"{where} holds {index.Manifests.Count} images; say which one with :TAG", available);
        }
        var matches = index.Manifests.Where(m => RefName(m) == tag).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new NotFoundException($"{where} has no image tagged '{tag}'", available),
            _ => throw new S3loException($"{where}: index.json lists {matches.Count} images tagged '{tag}'"),
        };
    }

    /// <summary>
    /// The index with <paramref name="entry"/> added as skopeo does: an entry of the same ref name is
    /// replaced; without a name, an unnamed entry of the same digest is replaced. Other entries are kept.
    /// </summary>
    public static ImageIndex WithEntry(ImageIndex? existing, Descriptor entry, string? tag, out Digest? previous)
    {
        previous = null;
        var manifests = new List<Descriptor>(existing?.Manifests ?? []);
        var replace = tag is not null
            ? manifests.FindIndex(m => RefName(m) == tag)
            : manifests.FindIndex(m => RefName(m) is null && m.Digest == entry.Digest);
        if (replace >= 0)
        {
            if (Digest.TryParse(manifests[replace].Digest, out var before)) previous = before;
            manifests[replace] = entry;
        }
        else manifests.Add(entry);
        return existing is null
            ? new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = manifests }
            : existing with { Manifests = manifests };
    }

    /// <summary>The descriptor index.json gets for a root: its media type, digest, size and the tag as ref name.</summary>
    public static Descriptor EntryFor(ManifestBlob root, string? tag) => new()
    {
        MediaType = root.MediaType,
        Digest = root.Digest.ToString(),
        Size = root.Size,
        Annotations = tag is null ? null : new Dictionary<string, string> { [RefNameAnnotation] = tag },
    };

    /// <summary>A manifest read from the layout, checked against the descriptor that named it.</summary>
    public static ManifestBlob ParseManifest(byte[] bytes, Descriptor descriptor, Digest digest, string where)
    {
        var what = $"manifest {digest} in {where}";
        var manifest = ManifestBlob.Parse(bytes, what, string.IsNullOrEmpty(descriptor.MediaType) ? null : descriptor.MediaType);
        if (manifest.Digest != digest) throw new DigestMismatchException(what, digest.ToString(), manifest.Digest.ToString());
        return manifest;
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; a longer stream is refused, not truncated.</summary>
    public static async Task<byte[]> ReadCappedAsync(Stream stream, int limit, string what, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(limit + 1, 81920)];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
            if (n == 0) break;
            if (buffer.Length + n > limit) throw new S3loException($"{what} is over the {limit}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
