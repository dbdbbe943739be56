using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace S3lo.Tests.Shared;

/// <summary>
/// A Trivy release as GitHub serves it, for installer tests: <c>/v{V}/trivy_{V}_{suffix}</c> (a tar.gz
/// holding LICENSE, README.md and the <c>trivy</c> executable) and <c>/v{V}/trivy_{V}_checksums.txt</c>.
/// </summary>
internal sealed class TrivyReleaseFiles
{
    public TrivyReleaseFiles(string version, string assetSuffix, byte[] executable)
    {
        Version = version;
        ArchiveName = $"trivy_{version}_{assetSuffix}";
        Executable = executable;
        Archive = TarGz(("LICENSE", Encoding.UTF8.GetBytes("Apache License 2.0\n")), ("README.md", Encoding.UTF8.GetBytes("# trivy\n")), ("trivy", executable));
        Checksums = Encoding.UTF8.GetBytes(
            $"{new string('0', 64)}  trivy_{version}_other-platform.tar.gz\n{Hex(Archive)}  {ArchiveName}\n");
    }

    public string Version { get; }
    public string ArchiveName { get; }
    public byte[] Executable { get; }

    /// <summary>What the server sends for the archive (a test may replace it with tampered bytes).</summary>
    public byte[] Archive { get; set; }

    /// <summary>What the server sends for the checksums file.</summary>
    public byte[] Checksums { get; set; }

    public string ArchivePath => $"/v{Version}/{ArchiveName}";
    public string ChecksumsPath => $"/v{Version}/trivy_{Version}_checksums.txt";

    /// <summary>A handler for <see cref="LoopbackHttpServer"/>: the two release files, 404 for anything else.</summary>
    public Task Serve(HttpListenerContext context) => context.Request.Url!.AbsolutePath switch
    {
        var p when p == ArchivePath => LoopbackHttpServer.WriteAsync(context, 200, Archive, "application/gzip"),
        var p when p == ChecksumsPath => LoopbackHttpServer.WriteAsync(context, 200, Checksums, "text/plain"),
        _ => LoopbackHttpServer.WriteAsync(context, 404, Encoding.UTF8.GetBytes("Not Found"), "text/plain"),
    };

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A tar.gz of regular files (mode 0755 like a release's executable).</summary>
    public static byte[] TarGz(params (string Name, byte[] Content)[] files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(content),
                    Mode = (UnixFileMode)0b111_101_101,
                });
            }
        }
        return output.ToArray();
    }

    /// <summary>A tar.gz whose <c>trivy</c> entry is a symbolic link (to /bin/sh): an installer must refuse it.</summary>
    public static byte[] TarGzWithLinkedTrivy()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "trivy") { LinkName = "/bin/sh" });
        return output.ToArray();
    }
}
