using System.Formats.Tar;
using System.Text;

namespace S3lo.Docker.Tests.Support;

/// <summary>Builds tars in memory: image file systems for docker import, and hand-made archives.</summary>
internal sealed class TarBuilder
{
    private readonly MemoryStream _output = new();
    private readonly TarWriter _writer;

    public TarBuilder(TarEntryFormat format = TarEntryFormat.Pax)
    {
        _writer = new TarWriter(_output, format, leaveOpen: true);
        Format = format;
    }

    private TarEntryFormat Format { get; }

    public TarBuilder File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    public TarBuilder File(string name, byte[] content)
    {
        var entry = NewEntry(TarEntryType.RegularFile, name);
        entry.DataStream = new MemoryStream(content);
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        _writer.WriteEntry(entry);
        return this;
    }

    public TarBuilder Directory(string name)
    {
        var entry = NewEntry(TarEntryType.Directory, name);
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        _writer.WriteEntry(entry);
        return this;
    }

    public TarBuilder Symlink(string name, string target)
    {
        var entry = NewEntry(TarEntryType.SymbolicLink, name);
        entry.LinkName = target;
        _writer.WriteEntry(entry);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Dispose();
        return _output.ToArray();
    }

    private TarEntry NewEntry(TarEntryType type, string name) => Format switch
    {
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        TarEntryFormat.Gnu => new GnuTarEntry(type, name),
        _ => new PaxTarEntry(type, name),
    };
}
