using S3lo.Core.Archives;
using S3lo.Core.Errors;

namespace S3lo.Core.Tests.Archives;

/// <summary>A layout set up by a copy that failed before its first commit reads as empty, not as something else.</summary>
public sealed class EmptyLayoutTests
{
    [Test]
    public async Task ALayoutWithoutAnIndexHoldsNoImageYet()
    {
        using var dir = new TempDir("empty-layout");
        await File.WriteAllTextAsync(dir.File("oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        Directory.CreateDirectory(Path.Combine(dir.Path, "blobs", "sha256"));

        await using var source = new OciLayoutSource(dir.Path, "v1");
        var error = Assert.ThrowsAsync<NotFoundException>(() => source.GetRootAsync(CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo($"oci:{dir.Path}:v1 holds no image yet: it has no index.json"));
        Assert.That(error.Hint, Is.EqualTo("write an image there first, e.g. 's3lo copy SOURCE oci:DIR:TAG'"));
    }
}
