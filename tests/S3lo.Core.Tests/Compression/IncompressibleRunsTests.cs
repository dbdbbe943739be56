using System.Diagnostics;
using S3lo.Core.Compression;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Compression;

/// <summary>Incompressible runs are stored, not deflated: the gzip stays valid for every reader and text still shrinks.</summary>
[TestFixture]
public class IncompressibleRunsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDir("runs");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void RandomBytesAreNearlyEightBitsAndTextFarBelow()
    {
        Assert.That(IncompressibleRuns.BitsPerByte(Bytes.Random(IncompressibleRuns.PieceSize, seed: 3)), Is.GreaterThan(7.99));
        Assert.That(IncompressibleRuns.BitsPerByte(Text(IncompressibleRuns.PieceSize)), Is.LessThan(5));
    }

    [Test]
    public void PiecesOfTheSameKindMergeIntoOneRun()
    {
        const int piece = IncompressibleRuns.PieceSize;
        var block = new byte[4 * piece + 100];
        Bytes.Random(2 * piece, seed: 5).CopyTo(block, piece);

        var runs = IncompressibleRuns.Split(block);

        Assert.That(runs, Is.EqualTo(new[] { (0, piece, false), (piece, 2 * piece, true), (3 * piece, piece + 100, false) }));
    }

    /// <summary>Mixed 64 KiB pieces of noise and text, runs across 1 MiB block edges, a short noisy tail, and all-noise blocks.</summary>
    [TestCase(3 * 1024 * 1024 + 777)]
    [TestCase(2 * 1024 * 1024)]
    [TestCase(65_536)]
    public async Task GunzipAndDotNetReadBackTheBytes(int size)
    {
        var input = Path.Combine(_temp.Path, "layer.tar");
        var bytes = new byte[size];
        var noise = Bytes.Random(size, seed: 17);
        var text = Text(size);
        for (var i = 0; i < size; i++) bytes[i] = (i / IncompressibleRuns.PieceSize) % 5 is 1 or 2 || i >= 2 * 1024 * 1024 ? noise[i] : text[i];
        File.WriteAllBytes(input, bytes);
        var output = Path.Combine(_temp.Path, "layer.tar.gz");

        var blob = await LayerCompressor.CompressFileAsync(input, output, LayerCompression.Gzip, None);

        await using (var file = File.OpenRead(output))
        await using (var stream = LayerCompressor.OpenDecompressor(file, LayerCompression.Gzip))
            Assert.That(Sha.Of(await Bytes.ReadAllAsync(stream)), Is.EqualTo(Sha.Of(bytes)));
        Assert.That(Sha.Of(Gunzip(output)), Is.EqualTo(Sha.Of(bytes)), "gunzip (zlib) reads it too");
        Assert.That(blob.Size, Is.LessThan(size + size / 1000 + 64), "stored runs cost five bytes per 64 KiB");
    }

    [Test]
    public async Task TextBetweenNoiseStillCompresses()
    {
        const int size = 4 * 1024 * 1024;
        var bytes = new byte[size];
        var noise = Bytes.Random(size, seed: 23);
        var text = Text(size);
        for (var i = 0; i < size; i++) bytes[i] = (i / IncompressibleRuns.PieceSize) % 2 == 0 ? noise[i] : text[i];
        var input = Path.Combine(_temp.Path, "layer.tar");
        File.WriteAllBytes(input, bytes);

        var blob = await LayerCompressor.CompressFileAsync(input, Path.Combine(_temp.Path, "out.gz"), LayerCompression.Gzip, None);

        Assert.That(blob.Size, Is.LessThan(size * 6 / 10), "half noise stored, half text deflated");
    }

    private static byte[] Text(int size)
    {
        var line = "2026-12-02T14:20:12Z INFO pushed layer in 812 ms to local:///srv/store (the quick brown fox)\n"u8;
        var bytes = new byte[size];
        for (var i = 0; i < size; i++) bytes[i] = line[i % line.Length];
        return bytes;
    }

    private static byte[] Gunzip(string path)
    {
        using var gunzip = Process.Start(new ProcessStartInfo("gzip", ["-dc", path]) { RedirectStandardOutput = true })!;
        using var memory = new MemoryStream();
        gunzip.StandardOutput.BaseStream.CopyTo(memory);
        gunzip.WaitForExit();
        Assert.That(gunzip.ExitCode, Is.Zero, "gzip -dc exit code");
        return memory.ToArray();
    }
}
