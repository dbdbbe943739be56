using S3lo.Core.Errors;

namespace S3lo.Core.FileSystem;

/// <summary>
/// Resolves a path in the merged view of an image's layers the way the kernel walks a path inside a chroot:
/// component by component, each looked up top layer first (whiteouts and opaque directories hiding lower
/// layers), symlinks followed with '..' and absolute targets clamped to the image root.
/// </summary>
internal sealed class MergedFileLookup(IReadOnlyList<LayerScan> layers, string where)
{
    public const int MaxSymlinks = 40;

    /// <summary>The layer and path (after links) whose entry holds the file's bytes.</summary>
    public async Task<(LayerScan Layer, string Path)> ResolveAsync(string path, CancellationToken ct)
    {
        var shown = ImagePath.Display(path);
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = string.Join('/', resolved.Append(part));
            var (node, layer) = await LookupAsync(candidate, layers.Count - 1, ct).ConfigureAwait(false)
                ?? throw Missing(shown);
            var last = pending.Count == 0;
            switch (node.Kind)
            {
                case NodeKind.Directory:
                    resolved.Add(part);
                    break;
                case NodeKind.Symlink:
                    if (++links > MaxSymlinks) throw new S3loException($"{shown}: too many levels of symbolic links");
                    var target = node.LinkTarget ?? "";
                    if (target.StartsWith('/')) resolved.Clear();
                    foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(t);
                    break;
                case NodeKind.File when last:
                    return (layers[layer], candidate);
                case NodeKind.HardLink when last:
                    return await FollowHardLinkAsync(shown, node.LinkTarget ?? "", layer, links, ct).ConfigureAwait(false);
                case NodeKind.Other when last:
                    throw new S3loException($"{shown} is not a regular file", "s3lo cat prints regular files (devices, fifos and sockets have no bytes to print)");
                default:
                    throw Missing(shown);
            }
        }
        throw new S3loException($"{shown} is a directory", "give the path of a file in it");
    }

    /// <summary>A hard link names its target by its exact path, in its own layer or below (tar writes the target first).</summary>
    private async Task<(LayerScan, string)> FollowHardLinkAsync(string shown, string target, int layer, int links, CancellationToken ct)
    {
        while (true)
        {
            var path = ImagePath.Clean(target);
            var (node, found) = await LookupAsync(path, layer, ct).ConfigureAwait(false)
                ?? throw new NotFoundException($"{shown}: hard link to {ImagePath.Display(path)}, which is not in {where}");
            switch (node.Kind)
            {
                case NodeKind.File:
                    return (layers[found], path);
                case NodeKind.HardLink when ++links <= MaxSymlinks:
                    target = node.LinkTarget ?? "";
                    layer = found;
                    break;
                case NodeKind.HardLink:
                    throw new S3loException($"{shown}: too many levels of links");
                default:
                    throw new S3loException($"{shown}: hard link to {ImagePath.Display(path)}, which is not a regular file");
            }
        }
    }

    private async Task<(LayerNode, int)?> LookupAsync(string path, int top, CancellationToken ct)
    {
        for (var i = top; i >= 0; i--)
        {
            if (await layers[i].FindAsync(path, ct).ConfigureAwait(false) is { } node) return (node, i);
            if (layers[i].Hides(path)) return null;
        }
        return null;
    }

    private NotFoundException Missing(string shown) => new($"{shown}: no such file in {where}");
}
