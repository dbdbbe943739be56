using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Daemon;

/// <summary>Every test in this namespace needs the real daemon (see <see cref="DaemonRequirement"/>).</summary>
[SetUpFixture]
public sealed class DaemonFixture
{
    [OneTimeSetUp]
    public Task TheDaemonAnswers() => DaemonRequirement.EnsureAsync();

    [OneTimeTearDown]
    public void RemoveLeftovers() => DaemonRequirement.RemoveLeftovers(_ => true);
}
