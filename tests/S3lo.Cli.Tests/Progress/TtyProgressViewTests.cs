using S3lo.Cli.Output;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Tests.Progress;

/// <summary>The terminal view: exact frames from a fixed clock, redrawn in place with cursor-up and clear.</summary>
public sealed class TtyProgressViewTests
{
    private const string A = "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    private const string B = "sha256:bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";
    private TimeSpan _now;
    private StringWriter _out = null!;
    private TransferBoard _board = null!;
    private TtyProgressView _view = null!;
    private (int, int) _size = (120, 40);

    [SetUp]
    public void SetUp()
    {
        _now = TimeSpan.Zero;
        _out = new StringWriter();
        _board = new TransferBoard("push", () => _now);
        _view = new TtyProgressView(_board, _out, () => _size);
    }

    [TearDown]
    public void TearDown() => _out.Dispose();

    [Test]
    public void FirstFrameIsALinePerBlobAndATotal()
    {
        _board.Phase(A, 120_000_000, TransferPhase.Uploading);
        _board.Skip(B, 5_000_000);
        _now = TimeSpan.FromSeconds(2);
        _board.Progress(A, 40_000_000);

        _view.Draw();

        Assert.That(_out.ToString(), Is.EqualTo(
            "\r\e[J" +
            "aaaaaaaaaaaa  uploading    40 MB / 120 MB  20 MB/s  ETA 4.0 s\n" +
            "bbbbbbbbbbbb  already there\n" +
            "push: 1/2 blobs, 40 MB of 120 MB, 20 MB/s, 2.0 s\n"));
    }

    [Test]
    public void RedrawGoesUpOverTheLastFrameAndShowsTheFinishedRow()
    {
        _board.Phase(A, 120_000_000, TransferPhase.Uploading);
        _view.Draw();
        _out.GetStringBuilder().Clear();
        _now = TimeSpan.FromSeconds(1.5);
        _board.Phase(A, 120_000_000, TransferPhase.Verifying);
        _board.Complete(A);

        _view.Draw();

        Assert.That(_out.ToString(), Is.EqualTo(
            "\e[2A\r\e[J" +
            "aaaaaaaaaaaa  uploaded     120 MB in 1.5 s\n" +
            "push: 1/1 blobs, 120 MB of 120 MB, 80 MB/s, 1.5 s\n"));
    }

    [Test]
    public void DrawsAtMostTenTimesASecondUnlessForced()
    {
        _board.Phase(A, 100, TransferPhase.Uploading);
        _view.Draw();
        var first = _out.ToString();
        _now = TimeSpan.FromMilliseconds(50);
        _board.Progress(A, 50);
        _view.Draw();
        Assert.That(_out.ToString(), Is.EqualTo(first), "50 ms later: not drawn");
        _view.Draw(force: true);
        Assert.That(_out.ToString(), Is.Not.EqualTo(first));
    }

    [Test]
    public void LinesAreCutToTheTerminalWidth()
    {
        _size = (30, 40);
        _board.Phase(A, 120_000_000, TransferPhase.Downloading);

        _view.Draw();

        var lines = _out.ToString()["\r\e[J".Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[] { "aaaaaaaaaaaa  downloading  0 ", "push: 0/1 blobs, 0 B of 120 M" }));
    }

    [Test]
    public void OnAShortTerminalFinishedRowsGiveWayToLiveOnes()
    {
        _size = (120, 5);
        for (var i = 0; i < 6; i++)
        {
            var digest = $"sha256:{i}{i}{i}{i}{i}{i}{i}{i}{i}{i}{i}{i}";
            _board.Phase(digest, 1000, TransferPhase.Uploading);
            if (i < 4) _board.Complete(digest);
        }

        _view.Draw();

        var lines = _out.ToString()["\r\e[J".Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "... 4 more",
            "444444444444  uploading    0 B / 1.0 kB",
            "555555555555  uploading    0 B / 1.0 kB",
            "push: 4/6 blobs, 4.0 kB of 6.0 kB, 0.0 s",
        }));
    }

    [Test]
    public void AMessagePrintsAboveTheBoard()
    {
        _board.Phase(A, 100, TransferPhase.Uploading);
        _view.Draw();
        _out.GetStringBuilder().Clear();

        _view.Message("forced: tag\u001b[31m moved");

        Assert.That(_out.ToString(), Does.StartWith("\e[2A\r\e[Jforced: tag\\x1b[31m moved\n\r\e[J" + "aaaaaaaaaaaa  uploading"));
    }

    [Test]
    public void TheDaemonLoadingShowsOnTheTotalLine()
    {
        _board.Phase(A, 100, TransferPhase.Downloading);
        _board.Complete(A);
        _now = TimeSpan.FromSeconds(1);
        _board.Image("loading into the Docker daemon");
        _now = TimeSpan.FromSeconds(3);
        _board.Phase(A, 100, TransferPhase.Loading);
        _board.Progress(A, 50);

        _view.Draw();

        Assert.That(_out.ToString(), Is.EqualTo(
            "\r\e[J" +
            "aaaaaaaaaaaa  loading      50 B / 100 B\n" +
            "push: 0/1 blobs, 100 B of 100 B, 33 B/s, loading into the Docker daemon (2.0 s), 3.0 s\n"));
    }

    [Test]
    public void BeforeAnyBlobMovesTheTotalCountsLayersInProgress()
    {
        _board.Phase(A, 30_000_000, TransferPhase.Exporting);
        _board.Phase(B, 30_000_000, TransferPhase.Exporting);
        _now = TimeSpan.FromSeconds(1.2);
        _board.Complete(B);

        _view.Draw();

        Assert.That(_out.ToString(), Does.EndWith("\npush: 1 in progress, 1 done, 1.2 s\n"));
    }
}
