using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;

namespace S3lo.Trivy;

/// <summary>
/// Downloads a Trivy release archive, checks its SHA-256 against the release's checksums file before
/// anything is extracted, and puts the one <c>trivy</c> entry in place atomically (temp file beside the
/// target, 0755, rename). Every failure leaves nothing at or beside the target and removes the download.
/// </summary>
public sealed class TrivyInstaller(HttpClient? http = null)
{
    private const long MaxChecksumsBytes = 1 << 20;
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly HttpClient _http = http ?? SharedHttp;

    /// <summary>Installs <paramref name="release"/> at <paramref name="target"/> (its directory is created).</summary>
    /// <param name="progress">Where to draw bytes/total while downloading (a terminal); null for silence.</param>
    public async Task InstallAsync(TrivyRelease release, string target, TextWriter? progress, CancellationToken ct)
    {
        var expected = await ExpectedHashAsync(release, ct).ConfigureAwait(false);
        var download = Path.Combine(Path.GetTempPath(), $"s3lo-trivy-{Guid.NewGuid():N}.download");
        try
        {
            var actual = await DownloadAsync(release.ArchiveUrl, download, progress, ct).ConfigureAwait(false);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                // One line naming both hashes: a changed download or a wrong mirror, never installed.
                throw new TrivyException(
                    $"{release.ArchiveName} has sha256 {actual} but {release.ChecksumsName} says {expected}: refusing to install it");
            var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
            Directory.CreateDirectory(directory);
            var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.s3lo-tmp");
            try
            {
                await ExtractAsync(release, download, temp, ct).ConfigureAwait(false);
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>The archive's line of the checksums file ("HEX  NAME"); a missing line is a refusal.</summary>
    private async Task<string> ExpectedHashAsync(TrivyRelease release, CancellationToken ct)
    {
        using var response = await GetAsync(release.ChecksumsUrl, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxChecksumsBytes)
            throw new TrivyException($"{release.ChecksumsUrl} is {response.Content.Headers.ContentLength} bytes, too big for a checksums file");
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].TrimStart('*') == release.ArchiveName && IsSha256(parts[0]))
                return parts[0].ToLowerInvariant();
        }
        throw new TrivyException($"{release.ChecksumsUrl} lists no sha256 for {release.ArchiveName}: refusing to install it",
            "check the version (S3LO_TRIVY_VERSION) and the mirror (S3LO_TRIVY_MIRROR)");
    }

    private async Task<string> DownloadAsync(string url, string file, TextWriter? progress, CancellationToken ct)
    {
        using var response = await GetAsync(url, ct).ConfigureAwait(false);
        var total = response.Content.Headers.ContentLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var output = new FileStream(file, options))
        await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            long done = 0;
            var lastDrawn = Environment.TickCount64 - 1000;
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                done += read;
                if (progress is not null && Environment.TickCount64 - lastDrawn >= 200)
                {
                    lastDrawn = Environment.TickCount64;
                    progress.Write($"\rdownloading {Path.GetFileName(url)}: {Mb(done)}{(total is { } t ? " / " + Mb(t) : "")}   ");
                }
            }
            if (progress is not null) progress.WriteLine($"\rdownloaded {Path.GetFileName(url)}: {Mb(done)}             ");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task<HttpResponseMessage> GetAsync(string url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TrivyException($"could not download {url}: {e.Message}", "check the network, or set S3LO_TRIVY_MIRROR to a reachable mirror", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TrivyException($"could not download {url}: timed out", "check the network, or set S3LO_TRIVY_MIRROR to a reachable mirror", e);
        }
        if (response.IsSuccessStatusCode) return response;
        var status = response.StatusCode;
        response.Dispose();
        throw new TrivyException($"could not download {url}: HTTP {(int)status} {Reason(status)}".TrimEnd());
    }

    /// <summary>Writes the executable entry of the verified archive to <paramref name="temp"/>; links and odd entries are refused.</summary>
    private static async Task ExtractAsync(TrivyRelease release, string archive, string temp, CancellationToken ct)
    {
        await using var input = File.OpenRead(archive);
        if (release.IsZip)
        {
            using var zip = new ZipArchive(input, ZipArchiveMode.Read);
            var entry = zip.Entries.FirstOrDefault(e => Normalize(e.FullName) == release.EntryName)
                ?? throw NoEntry(release);
            await using var content = entry.Open();
            await WriteAsync(content, temp, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await using var gzip = new GZipStream(input, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                if (Normalize(entry.Name) != release.EntryName) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    throw new TrivyException($"{release.ArchiveName}: its {release.EntryName} entry is a {entry.EntryType}, not a file: refusing to install it");
                await WriteAsync(entry.DataStream, temp, ct).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new TrivyException($"{release.ArchiveName} is not a readable tar.gz: {e.Message}", inner: e);
        }
        throw NoEntry(release);
    }

    private static async Task WriteAsync(Stream content, string temp, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var output = new FileStream(temp, options);
        await content.CopyToAsync(output, ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
    }

    private static TrivyException NoEntry(TrivyRelease release) =>
        new($"{release.ArchiveName} holds no {release.EntryName} entry: refusing to install it");

    private static string Normalize(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    private static bool IsSha256(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigit);

    private static string Reason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        _ => "",
    };

    private static string Mb(long bytes) => $"{bytes / 1048576.0:0.0} MB";
}
