using System.Formats.Tar;
using System.Text.Json;
using S3lo.Docker.Engine;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// Carries the images of a docker-archive already at FILE into the one being written, so one archive holds
/// several tags (as <c>docker save a b</c> writes) and concurrent copies to FILE lose none: the files its
/// manifest.json names are appended, and its entries are returned with the new image's name taken off
/// them (that name now means the new image; an image left with no name is dropped). Something at FILE
/// that is no docker-archive is replaced.
/// </summary>
internal static class DockerArchiveCarryOver
{
    private const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <param name="writer">The new archive, its image's config and layers written already.</param>
    public static async Task<IReadOnlyList<DockerArchiveManifestEntry>> AppendAsync(
        string existing, DockerArchiveWriter writer, string? repoTag, CancellationToken ct)
    {
        if (!File.Exists(existing)) return [];
        var configPath = writer.ConfigPath;
        var written = writer.Names;
        var entries = await ReadManifestAsync(existing, ct).ConfigureAwait(false);
        if (entries is null) return [];

        var kept = new List<DockerArchiveManifestEntry>();
        foreach (var entry in entries)
        {
            var tags = entry.RepoTags?.Where(t => t != repoTag).ToList();
            // The new image took this one's last name: left untagged it would only grow the file and
            // come back from `docker load` as a dangling image, so it goes, as a re-tag does in docker.
            if (entry.RepoTags is { Count: > 0 } && tags is not { Count: > 0 }) continue;
            // Untagged already and the same image as the new one: nothing left that the new entry lacks.
            if (entry.Config == configPath && tags is not { Count: > 0 }) continue;
            kept.Add(entry with { RepoTags = tags is { Count: > 0 } ? tags : null });
        }
        var needed = kept.SelectMany(e => e.Layers.Prepend(e.Config)).Select(Normalize).Where(n => n is not null && !written.Contains(n)).ToHashSet(StringComparer.Ordinal);

        await using var stream = new FileStream(existing, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            if (Normalize(entry.Name) is not { } name || !needed.Remove(name)) continue;
            await writer.WriteOtherFileAsync(name, entry.DataStream, entry.Length, ct).ConfigureAwait(false);
        }
        // A file named but absent: that image could not be loaded from the old archive either; leave it out.
        return kept.Where(e => e.Layers.Prepend(e.Config).All(p => Normalize(p) is { } n && written.Contains(n))).ToList();
    }

    private static async Task<List<DockerArchiveManifestEntry>?> ReadManifestAsync(string existing, CancellationToken ct)
    {
        try
        {
            await using var stream = new FileStream(existing, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var reader = new TarReader(stream);
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                if (Normalize(entry.Name) != "manifest.json" || entry.DataStream is null || entry.Length > MaxManifestBytes) continue;
                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                var entries = JsonSerializer.Deserialize(buffer.ToArray(), DockerJsonContext.Default.ListDockerArchiveManifestEntry);
                return entries?.Where(e => e is not null && e.Config.Length > 0).ToList();
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or JsonException)
        {
            // Not a tar, or no docker-archive: replaced, as it always was.
        }
        return null;
    }

    /// <summary>"./a/b" → "a/b"; absolute names and '..' are refused (null): never carried over.</summary>
    private static string? Normalize(string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.Contains('\\') || name.Contains('\0')) return null;
        var parts = name.Split('/').Where(p => p.Length > 0 && p != ".").ToList();
        return parts.Count == 0 || parts.Contains("..") ? null : string.Join('/', parts);
    }
}
