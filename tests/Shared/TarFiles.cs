using System.Formats.Tar;

namespace S3lo.Tests.Shared;

/// <summary>Layer tars for test images: one regular file, with a fixed mode and time so the same content gives the same bytes.</summary>
public static class TarFiles
{
    public static byte[] One(string path, byte[] content)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
            {
                DataStream = new MemoryStream(content),
                Mode = (UnixFileMode)0b110_100_100,
                ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            });
        }
        return tar.ToArray();
    }
}
