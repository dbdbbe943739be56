using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A tag's history.json that grew past its size limit (years of pushes, or another writer) never
/// turns a committed copy into a failure: the history is rotated, newest entries kept.
/// </summary>
public sealed class HistoryRotationTests
{
    private const int HistoryLimitBytes = 1 << 20;

    [Test]
    public void ACopyOverAnOversizedHistorySucceedsAndRotatesIt()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var first = S3loBinary.Run("copy", store.Ref("alpine:latest"), store.Ref("app:1"), "--platform", "linux/amd64");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString);
        var history = Path.Combine(store.Root, "manifests", "app", "1", "history.json");
        File.WriteAllText(history, OldHistory(entries: 20_000));
        Assert.That(new FileInfo(history).Length, Is.GreaterThan(2 * HistoryLimitBytes), "the crafted history is over the limit");

        // Another platform: the tag really moves, so the copy must append to the history.
        var again = S3loBinary.Run("copy", store.Ref("alpine:latest"), store.Ref("app:1"), "--platform", "linux/arm/v6");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString);
        Assert.That(again.Stderr, Does.Not.Contain("error:"));
        var digest = again.StdoutLines.Single(l => l.StartsWith("digest: ", StringComparison.Ordinal))["digest: ".Length..];
        Assert.That(new FileInfo(history).Length, Is.LessThanOrEqualTo(HistoryLimitBytes), "rotated under the limit");
        using var rotated = JsonDocument.Parse(File.ReadAllBytes(history));
        var entries = rotated.RootElement.EnumerateArray().ToList();
        Assert.That(entries[0].GetProperty("digest").GetString(), Is.EqualTo(digest), "the new push is the newest entry");
        Assert.That(DateTimeOffset.Parse(entries[1].GetProperty("pushed_at").GetString()!), Is.EqualTo(DateTimeOffset.Parse(PushedAt(0))),
            "the newest old entries are the ones kept");
        Assert.That(entries.Count, Is.GreaterThan(2));
    }

    // Newest first, as s3lo v1 writes it: entry i was pushed i minutes before 2026-01-01.
    private static string OldHistory(int entries)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < entries; i++)
        {
            if (i > 0) json.Append(',');
            json.Append($"{{\"pushed_at\":\"{PushedAt(i)}\",\"digest\":\"sha256:{i:x64}\",\"size_bytes\":{1000 + i},\"note\":\"padding to make old entries large\"}}");
        }
        return json.Append(']').ToString();
    }

    private static string PushedAt(int minutesBefore) =>
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(-minutesBefore).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
