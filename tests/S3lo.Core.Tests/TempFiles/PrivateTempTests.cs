using System.Runtime.Versioning;
using S3lo.Core.TempFiles;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.TempFiles;

[TestFixture]
[UnsupportedOSPlatform("windows")]
public class PrivateTempTests
{
    [Test]
    public async Task WorkDirectoriesAre0700AndTempFiles0600()
    {
        using var temp = new TempDir("private");
        var dir = PrivateTemp.DirectoryPath(temp.Path, "push");
        PrivateTemp.CreateDirectory(dir);
        var file = Path.Combine(dir, "layer");
        await using (var stream = new FileStream(file, PrivateTemp.NewFile(4096)))
            stream.WriteByte(1);

        Assert.That(Path.GetFileName(dir), Does.Match("^s3lo-push-[0-9a-f]{32}$"));
        Assert.That(File.GetUnixFileMode(dir), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void AStaleWorkDirectoryGoesWithoutFollowingTheLinksInsideIt()
    {
        using var temp = new TempDir("stale");
        var victim = temp.Sub("victim");
        File.WriteAllText(Path.Combine(victim, "precious"), "x");
        var stale = temp.Sub("s3lo-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateSymbolicLink(Path.Combine(stale, "link"), victim);
        File.WriteAllText(Path.Combine(stale, "layer"), "x");
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        var fresh = temp.Sub("s3lo-load-" + Guid.NewGuid().ToString("N"));
        var lookalike = temp.Sub("s3lo-load-notours");
        Directory.SetLastWriteTimeUtc(lookalike, DateTime.UtcNow.AddDays(-2));

        StaleTemp.RemoveStaleDirectories(temp.Path);

        Assert.That(Directory.Exists(stale), Is.False);
        Assert.That(File.Exists(Path.Combine(victim, "precious")), Is.True);
        Assert.That(Directory.Exists(fresh), Is.True);
        Assert.That(Directory.Exists(lookalike), Is.True, "only the exact pattern is ours");
    }
}
