using System.Formats.Tar;

namespace S3lo.Core.FileSystem;

/// <summary>
/// One layer's tar, read as far as the questions asked of it need: entries seen are remembered, and a
/// lookup reads on only until its path shows up, so a file near the start of a large layer costs little.
/// A path absent from the layer needs the whole tar (its whiteouts may come anywhere).
/// </summary>
internal sealed class LayerScan(Func<CancellationToken, Task<Stream>> open) : IAsyncDisposable
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    private readonly Dictionary<string, LayerNode> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _whiteouts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _opaque = new(StringComparer.Ordinal);
    private Stream? _stream;
    private TarReader? _reader;
    private TarEntry? _current;
    private string? _currentPath;
    private bool _complete;
    private Stream? _contentStream;
    private TarReader? _contentReader;

    /// <summary>The entry for <paramref name="path"/> in this layer (explicit, or a directory implied by entries under it); null when absent.</summary>
    public async Task<LayerNode?> FindAsync(string path, CancellationToken ct)
    {
        if (_entries.TryGetValue(path, out var node)) return node;
        while (!_complete)
        {
            await ReadNextAsync(ct).ConfigureAwait(false);
            if (_entries.TryGetValue(path, out node)) return node;
        }
        return null;
    }

    /// <summary>
    /// After <see cref="FindAsync"/> found nothing (the whole layer read): whether this layer hides lower
    /// layers' <paramref name="path"/> — a whiteout of it or an ancestor, an opaque ancestor, or an ancestor
    /// that is not a directory here.
    /// </summary>
    public bool Hides(string path)
    {
        if (_whiteouts.Contains(path)) return true;
        foreach (var ancestor in ImagePath.Ancestors(path))
        {
            if (_whiteouts.Contains(ancestor) || _opaque.Contains(ancestor)) return true;
            if (_entries.TryGetValue(ancestor, out var node) && node.Kind != NodeKind.Directory) return true;
        }
        return false;
    }

    /// <summary>The body of the regular file at <paramref name="path"/>: where the scan stands when it is the entry just found, else from a second read of the layer.</summary>
    public async Task<Stream> OpenContentAsync(string path, CancellationToken ct)
    {
        if (_currentPath == path && _current?.DataStream is { } here) return here;
        _contentStream = await open(ct).ConfigureAwait(false);
        _contentReader = new TarReader(_contentStream);
        while (await _contentReader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (ImagePath.Clean(entry.Name) == path && KindOf(entry.EntryType) == NodeKind.File)
                return entry.DataStream ?? Stream.Null;
        }
        throw new InvalidDataException($"/{path} vanished from the layer on a second read");
    }

    private async Task ReadNextAsync(CancellationToken ct)
    {
        if (_reader is null)
        {
            _stream = await open(ct).ConfigureAwait(false);
            _reader = new TarReader(_stream);
        }
        _current = await _reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false);
        _currentPath = null;
        if (_current is null)
        {
            _complete = true;
            return;
        }
        var path = ImagePath.Clean(_current.Name);
        if (path.Length == 0) return;
        foreach (var ancestor in ImagePath.Ancestors(path))
            if (ancestor.Length > 0) _entries.TryAdd(ancestor, LayerNode.ImplicitDirectory);

        var name = ImagePath.Name(path);
        var directory = ImagePath.Parent(path);
        if (name == OpaqueMarker) _opaque.Add(directory);
        else if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) _whiteouts.Add(ImagePath.Join(directory, name[WhiteoutPrefix.Length..]));
        else
        {
            var kind = KindOf(_current.EntryType);
            var target = kind is NodeKind.Symlink or NodeKind.HardLink ? _current.LinkName : null;
            // A later entry of the same name replaces an earlier one, as extraction would; an implicit directory yields to the real entry.
            _entries[path] = new LayerNode(kind, target);
            _currentPath = path;
        }
    }

    private static NodeKind KindOf(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => NodeKind.File,
        TarEntryType.Directory => NodeKind.Directory,
        TarEntryType.SymbolicLink => NodeKind.Symlink,
        TarEntryType.HardLink => NodeKind.HardLink,
        _ => NodeKind.Other,
    };

    public async ValueTask DisposeAsync()
    {
        if (_reader is not null) await _reader.DisposeAsync().ConfigureAwait(false);
        if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
        if (_contentReader is not null) await _contentReader.DisposeAsync().ConfigureAwait(false);
        if (_contentStream is not null) await _contentStream.DisposeAsync().ConfigureAwait(false);
    }
}
