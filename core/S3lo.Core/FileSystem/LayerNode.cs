namespace S3lo.Core.FileSystem;

internal enum NodeKind
{
    File,
    Directory,
    Symlink,
    HardLink,
    Other,
}

/// <summary>What one layer holds at one path. <paramref name="Implicit"/>: a directory only known from the entries under it.</summary>
internal sealed record LayerNode(NodeKind Kind, string? LinkTarget = null, bool Implicit = false)
{
    public static readonly LayerNode ImplicitDirectory = new(NodeKind.Directory, Implicit: true);
}
