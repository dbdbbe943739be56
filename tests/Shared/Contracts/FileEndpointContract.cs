namespace S3lo.Tests.Shared.Contracts;

/// <summary>The image endpoint contract on an endpoint that is a file or a directory: a fresh temp directory per test.</summary>
public abstract class FileEndpointContract(string label) : ImageEndpointContract
{
    protected TempDir Dir { get; private set; } = null!;

    [SetUp]
    public void CreateDirectory() => Dir = new TempDir(label);

    [TearDown]
    public void DeleteDirectory() => Dir.Dispose();

    /// <summary>A failed first copy leaves no file at all (the endpoint writes a temp file and renames it).</summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await base.AssertNothingCommittedAsync(tag);
        Assert.That(TempDir.FilesUnder(Dir.Path), Is.Empty, "no file and no temp file may be left");
    }
}
