using S3lo.Core.Errors;

namespace S3lo.Cli.Commands;

/// <summary>A file written under a temporary name beside it and renamed into place: a failure or Ctrl-C leaves no partial file.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string target, Stream content, CancellationToken ct)
    {
        var full = Path.GetFullPath(target);
        var directory = Path.GetDirectoryName(full)!;
        if (Directory.Exists(full)) throw new UsageException($"-o {target} is a directory", "name the file to write");
        if (!Directory.Exists(directory)) throw new UsageException($"-o {target}: directory {directory} does not exist");
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.s3lo-tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
