using S3lo.Core.Errors;

namespace S3lo.Core.Archives;

/// <summary>
/// An OCI image layout on disk. Names are the fixed layout names and <c>blobs/sha256/&lt;hex&gt;</c>; below
/// the root no symlink is followed (a layout from elsewhere could point a blob or the blobs directory
/// anywhere on this machine), so nothing outside the directory is read or written.
/// </summary>
internal sealed class LayoutDirectory(string root) : ILayoutFiles
{
    private const int BufferSize = 1 << 20;

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The path of a layout name, refused when the name or a directory on the way is a symlink.</summary>
    public string PathOf(string name)
    {
        var path = Root;
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == ".." || part.Contains('\\'))
                throw new S3loException($"'{ArchiveReference.Printable(name)}' is not a name inside an OCI image layout");
            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget is not null)
                throw new S3loException($"{Path.GetRelativePath(Root, path)} in the OCI image layout {Root} is a symlink; s3lo follows no links inside a layout",
                    "copy the layout with its links resolved (cp -L), or copy the image again with s3lo or skopeo");
        }
        return path;
    }

    public Task<long?> SizeAsync(string name, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(name));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public Task<Stream> OpenAsync(string name, CancellationToken ct)
    {
        var path = PathOf(name);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize,
                FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{name} is missing from the OCI image layout {Root}");
        }
    }
}
