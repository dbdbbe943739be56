using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Cli.Output;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Tests.Progress;

/// <summary>Plain mode, as a log shows it: a line per finished blob, the daemon's load, nothing redrawn.</summary>
public sealed class PlainProgressTests
{
    private static Descriptor Blob(char hex, long size) =>
        new() { MediaType = MediaTypes.OciLayerGzip, Digest = "sha256:" + new string(hex, 64), Size = size };

    [Test]
    public void APullLogsEachBlobAndTheLoad()
    {
        var now = TimeSpan.Zero;
        var output = new StringWriter();
        using var observer = new ConsoleTransferObserver("pull", ProgressMode.Plain, NullLogger.Instance, output, () => now, () => (80, 24));
        ITransferObserver events = observer;
        var layer = Blob('3', 120_000_000);
        var config = Blob('c', 1_500);

        events.BlobSkipped(config);
        events.BlobStarted(layer);
        events.BlobPhase(layer, TransferPhase.Downloading);
        now = TimeSpan.FromSeconds(1);
        events.BlobProgress(layer, 60_000_000);
        now = TimeSpan.FromSeconds(1.4);
        events.BlobProgress(layer, 120_000_000);
        events.BlobPhase(layer, TransferPhase.Verifying);
        events.BlobCompleted(layer);
        events.ImagePhase(TransferPhase.Loading, "the Docker daemon");
        events.BlobPhase(layer, TransferPhase.Loading);
        now = TimeSpan.FromSeconds(2);
        events.BlobProgress(layer, 120_000_000);
        events.BlobCompleted(layer);
        now = TimeSpan.FromSeconds(2.5);
        events.ImageDone("loaded image ID sha256:" + new string('9', 64));

        Assert.That(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "skipped cccccccccccc 1.5 kB, already there",
            "downloaded 333333333333 120 MB in 1.4 s",
            "loading into the Docker daemon",
            "loaded 333333333333 120 MB in 0.6 s",
            "loaded image ID sha256:" + new string('9', 64) + " in 1.1 s",
        }));
    }

    [Test]
    public void NoneShowsOnlyMessages()
    {
        var output = new StringWriter();
        using var observer = new ConsoleTransferObserver("copy", ProgressMode.None, NullLogger.Instance, output, () => TimeSpan.Zero, () => (80, 24));
        ITransferObserver events = observer;
        events.BlobPhase(Blob('1', 10), TransferPhase.Copying);
        events.BlobCompleted(Blob('1', 10));
        events.Message("forced: app:1 moved");

        Assert.That(output.ToString(), Is.EqualTo("forced: app:1 moved" + Environment.NewLine));
    }
}
