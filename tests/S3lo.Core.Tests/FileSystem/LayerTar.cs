using System.Formats.Tar;
using System.Text;

namespace S3lo.Core.Tests.FileSystem;

/// <summary>A layer tar written entry by entry: files, directories, symlinks, hard links and whiteouts.</summary>
internal sealed class LayerTar
{
    private readonly List<PaxTarEntry> _entries = [];

    public LayerTar File(string path, string text) => File(path, Encoding.UTF8.GetBytes(text));

    public LayerTar File(string path, byte[] content) => Add(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });

    public LayerTar Dir(string path) => Add(new PaxTarEntry(TarEntryType.Directory, path));

    public LayerTar Symlink(string path, string target) => Add(new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target });

    public LayerTar HardLink(string path, string target) => Add(new PaxTarEntry(TarEntryType.HardLink, path) { LinkName = target });

    public LayerTar Whiteout(string directory, string name) => File($"{directory}/.wh.{name}", []);

    public LayerTar Opaque(string directory) => File($"{directory}/.wh..wh..opq", []);

    private LayerTar Add(PaxTarEntry entry)
    {
        entry.Mode = (UnixFileMode)0b111_101_101;
        entry.ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _entries.Add(entry);
        return this;
    }

    public byte[] ToBytes()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var entry in _entries) writer.WriteEntry(entry);
        return tar.ToArray();
    }
}
