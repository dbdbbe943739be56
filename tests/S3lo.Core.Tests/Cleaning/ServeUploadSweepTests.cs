using S3lo.Core.Cleaning;
using S3lo.Core.Serving;

namespace S3lo.Core.Tests.Cleaning;

/// <summary>Upload sessions serve --allow-push left behind: clean deletes those nothing wrote to for a day, never a live one.</summary>
public sealed class ServeUploadSweepTests : CleanFixture
{
    [Test]
    public async Task ASessionUntouchedForADayIsDeletedAndAYoungerOneStays()
    {
        var writer = new RegistryWriter(Bucket, Clock);
        var session = await writer.StartUploadAsync("app", None);
        await writer.AppendAsync("app", session.Id, new MemoryStream(Bytes.Random(3000, 1)), 3000, null, None);
        var prefix = $"s3lo-uploads/{session.Id}/";

        var young = await CleanLaterAsync(TimeSpan.FromHours(2), new CleanOptions { Confirm = true });
        Assert.That(young.Items, Is.Empty, "a session written two hours ago may still be in use");
        Assert.That(TempDir.FilesUnder(Root).Count(k => k.StartsWith(prefix, StringComparison.Ordinal)), Is.EqualTo(2));

        var dryRun = await CleanLaterAsync(TimeSpan.FromHours(25), new CleanOptions());
        Assert.That(dryRun.Items.Select(i => (i.Category, i.Name, i.Bytes)), Is.EqualTo(new[] { (CleanCategory.Uploads, prefix, 3000L + SessionStateBytes()) }));
        Assert.That(dryRun.Items[0].Reason, Is.EqualTo("serve upload session, last written 1d ago"));
        Assert.That(TempDir.FilesUnder(Root).Count(k => k.StartsWith(prefix, StringComparison.Ordinal)), Is.EqualTo(2), "a dry run deletes nothing");

        var confirmed = await CleanLaterAsync(TimeSpan.FromHours(25), new CleanOptions { Confirm = true });
        Assert.That(confirmed.Items.Single().Failure, Is.Null);
        Assert.That(TempDir.FilesUnder(Root).Where(k => k.StartsWith("s3lo-uploads/", StringComparison.Ordinal)), Is.Empty);
    }

    private long SessionStateBytes() => new FileInfo(Path.Combine(Root, TempDir.FilesUnder(Root).Single(k => k.EndsWith("/session.json", StringComparison.Ordinal)))).Length;
}
