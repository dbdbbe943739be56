using System.Diagnostics;
using S3lo.Core.Archives;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Archives;

/// <summary>The tar index behind oci-archive: sources and the write gate behind archive destinations.</summary>
[TestFixture]
public class TarIndexTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task A9GiBEntryIsIndexedWithoutBeingRead()
    {
        using var temp = new TempDir("sparse");
        var path = Path.Combine(temp.Path, "big.tar");
        var size = 9L * 1024 * 1024 * 1024 + 3;
        var name = "blobs/sha256/" + new string('a', 64);
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(TarHeaders.File(name, size));
            await file.WriteAsync("head"u8.ToArray());
            file.Seek(size - 4, SeekOrigin.Current); // a sparse file: the data is never written
            await file.WriteAsync(new byte[TarHeaders.PaddingFor(size)]);
            await file.WriteAsync(TarHeaders.File("index.json", 2));
            await file.WriteAsync("{}"u8.ToArray());
            await file.WriteAsync(new byte[TarHeaders.PaddingFor(2)]);
            await file.WriteAsync(TarHeaders.End());
        }

        var clock = Stopwatch.StartNew();
        using var tar = await TarLayoutFiles.OpenAsync(path, "big.tar", None);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "indexing seeks past data");
        Assert.That(await tar.SizeAsync(name, None), Is.EqualTo(size));
        await using (var blob = await tar.OpenAsync(name, None))
        {
            var head = new byte[4];
            await blob.ReadExactlyAsync(head);
            Assert.That(head, Is.EqualTo("head"u8.ToArray()));
        }
        await using var index = await tar.OpenAsync("index.json", None);
        Assert.That(await Bytes.ReadAllAsync(index), Is.EqualTo("{}"u8.ToArray()));
    }

    [Test]
    public async Task ABlobArrivingWhileTheOutputIsBusyIsSpooledThenAppended()
    {
        using var temp = new TempDir("gate");
        using var gate = new SequentialWriteGate(temp.Path, ".spool-");
        var output = new List<string>();
        var firstStarted = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();

        var first = gate.WriteAsync(new MemoryStream("first"u8.ToArray()), async (stream, ct) =>
        {
            firstStarted.SetResult();
            await releaseFirst.Task;
            output.Add(new StreamReader(stream).ReadToEnd());
        }, None);
        await firstStarted.Task;

        var second = gate.WriteAsync(new MemoryStream("second"u8.ToArray()), (stream, ct) =>
        {
            output.Add(new StreamReader(stream).ReadToEnd());
            return Task.CompletedTask;
        }, None);
        // The second stream is read to a spool file while the first holds the output.
        await WaitUntilAsync(() => Directory.GetFiles(temp.Path, ".spool-*").Length == 1);
        Assert.That(second.IsCompleted, Is.False);

        releaseFirst.SetResult();
        await Task.WhenAll(first, second);
        Assert.That(output, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty, "spool files are deleted once appended");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), Is.True);
    }
}
