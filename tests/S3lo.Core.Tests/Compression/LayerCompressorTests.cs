using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Compression;

[TestFixture]
public class LayerCompressorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDir("compress");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>A tar-like input: compressible text and incompressible noise, larger than one 1 MiB buffer.</summary>
    private string WriteInput(int size, string name = "layer.tar")
    {
        var bytes = new byte[size];
        var noise = Bytes.Random(size, seed: 11);
        for (var i = 0; i < size; i++) bytes[i] = (i / 4096) % 3 == 0 ? noise[i] : (byte)('a' + i % 26);
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<byte[]> DecompressAsync(string path, LayerCompression compression)
    {
        await using var file = File.OpenRead(path);
        await using var stream = LayerCompressor.OpenDecompressor(file, compression);
        return await Bytes.ReadAllAsync(stream);
    }

    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task TheSameInputAlwaysGivesTheSameDigest(LayerCompression compression)
    {
        var input = WriteInput(3 * 1024 * 1024 + 123);
        var first = Path.Combine(_temp.Path, "one");
        var second = Path.Combine(_temp.Path, "two");

        var a = await LayerCompressor.CompressFileAsync(input, first, compression, None);
        var b = await LayerCompressor.CompressFileAsync(input, second, compression, None);

        Assert.That(a.Digest, Is.EqualTo(b.Digest));
        Assert.That(Sha.OfFile(first), Is.EqualTo(Sha.OfFile(second)));
    }

    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task TheReturnedDigestAndSizeDescribeTheOutputFile(LayerCompression compression)
    {
        var input = WriteInput(1_500_000);
        var output = Path.Combine(_temp.Path, "out");

        var blob = await LayerCompressor.CompressFileAsync(input, output, compression, None);

        Assert.That(blob.Digest, Is.EqualTo(Sha.OfFile(output)));
        Assert.That(blob.Size, Is.EqualTo(new FileInfo(output).Length));
        Assert.That(blob.Size, Is.LessThan(new FileInfo(input).Length), "the text parts compress");
        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.OciLayerFor(compression)));
    }

    [TestCase(LayerCompression.Gzip, 2_000_000)]
    [TestCase(LayerCompression.Zstd, 2_000_000)]
    [TestCase(LayerCompression.Gzip, 0)]
    [TestCase(LayerCompression.Zstd, 0)]
    [TestCase(LayerCompression.Gzip, 5)]
    [TestCase(LayerCompression.Zstd, 5)]
    public async Task DecompressingGivesBackTheSameBytes(LayerCompression compression, int size)
    {
        var input = WriteInput(size);
        var output = Path.Combine(_temp.Path, "out");
        await LayerCompressor.CompressFileAsync(input, output, compression, None);

        var restored = await DecompressAsync(output, compression);

        Assert.That(Sha.Of(restored), Is.EqualTo(Sha.OfFile(input)));
    }

    [Test]
    public async Task TheGzipHeaderHasNoTimestampAndTheUnknownOsByte()
    {
        var input = WriteInput(100_000);
        var output = Path.Combine(_temp.Path, "out.gz");
        await LayerCompressor.CompressFileAsync(input, output, LayerCompression.Gzip, None);

        var header = File.ReadAllBytes(output)[..10];

        Assert.That(header[..3], Is.EqualTo(new byte[] { 0x1f, 0x8b, 0x08 }), "gzip magic and deflate");
        Assert.That(header[3], Is.Zero, "no name, comment or extra fields that could vary");
        Assert.That(header[4..8], Is.EqualTo(new byte[4]), "MTIME must be zero");
        Assert.That(header[9], Is.EqualTo(0xff), "OS byte must be 255 (unknown) on every host");
    }

    [Test]
    public async Task TheZstdFrameDeclaresItsContentSize()
    {
        var input = WriteInput(100_000);
        var output = Path.Combine(_temp.Path, "out.zst");
        await LayerCompressor.CompressFileAsync(input, output, LayerCompression.Zstd, None);

        var bytes = File.ReadAllBytes(output);

        Assert.That(bytes[..4], Is.EqualTo(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }), "zstd magic");
        var descriptor = bytes[4];
        var singleSegment = (descriptor & 0x20) != 0;
        var sizeFlag = descriptor >> 6;
        Assert.That(singleSegment || sizeFlag != 0, Is.True, "Frame_Content_Size must be present");
    }

    [Test]
    public async Task DifferentInputsGiveDifferentDigests()
    {
        var one = WriteInput(10_000, "a.tar");
        var two = Path.Combine(_temp.Path, "b.tar");
        var bytes = File.ReadAllBytes(one);
        bytes[5000] ^= 1;
        File.WriteAllBytes(two, bytes);

        var a = await LayerCompressor.CompressFileAsync(one, Path.Combine(_temp.Path, "a.gz"), LayerCompression.Gzip, None);
        var b = await LayerCompressor.CompressFileAsync(two, Path.Combine(_temp.Path, "b.gz"), LayerCompression.Gzip, None);

        Assert.That(a.Digest, Is.Not.EqualTo(b.Digest));
    }

    [Test]
    public async Task NoneStoresTheTarAsItIsWithItsOwnDigest()
    {
        var input = WriteInput(10);

        var blob = await LayerCompressor.CompressFileAsync(input, Path.Combine(_temp.Path, "x"), LayerCompression.None, None);

        Assert.That(File.ReadAllBytes(Path.Combine(_temp.Path, "x")), Is.EqualTo(File.ReadAllBytes(input)));
        Assert.That(blob.Digest, Is.EqualTo(Digest.Compute(File.ReadAllBytes(input)).ToString()));
        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.OciLayer));
    }

    [Test]
    public async Task NoneDecompressesToTheSameStream()
    {
        var input = WriteInput(1000);

        Assert.That(Sha.Of(await DecompressAsync(input, LayerCompression.None)), Is.EqualTo(Sha.OfFile(input)));
    }

    [TestCase(LayerCompression.None)]
    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task ACompletedBlobCanBeReadBeforeItsWriterIsDisposed(LayerCompression compression)
    {
        // The engine offers a layer for upload as soon as it completes, while the writer is still in scope.
        var input = File.ReadAllBytes(WriteInput(3 << 20));
        var path = Path.Combine(_temp.Path, "early");
        await using var writer = new CompressedBlobWriter(path, compression, input.Length);
        await writer.Input.WriteAsync(input, None);

        var blob = await writer.CompleteAsync(None);

        await using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Assert.That(Sha.Of(await Bytes.ReadAllAsync(reader)), Is.EqualTo(blob.Digest));
    }
}
