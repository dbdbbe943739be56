namespace S3lo.EndToEnd.Tests;

/// <summary>Around the whole end-to-end run: a fresh stderr log first, and no crash in it at the end.</summary>
[SetUpFixture]
public sealed class E2eRun
{
    [OneTimeSetUp]
    public void StartStderrLog() => StderrLog.Reset();

    [OneTimeTearDown]
    public void NoRunCrashed()
    {
        var crashes = StderrLog.Crashes();
        Assert.That(crashes, Is.Empty,
            $"{crashes.Count} s3lo run(s) printed an unhandled exception or a stack trace without --verbose (all stderr: {StderrLog.Path})");
    }
}
