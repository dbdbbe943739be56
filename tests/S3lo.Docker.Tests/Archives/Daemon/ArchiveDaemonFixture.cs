using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Archives.Daemon;

/// <summary>The docker-archive tests against the real daemon need one (see <see cref="DaemonRequirement"/>).</summary>
[SetUpFixture]
public sealed class ArchiveDaemonFixture
{
    [OneTimeSetUp]
    public Task TheDaemonAnswers() => DaemonRequirement.EnsureAsync();

    [OneTimeTearDown]
    public void RemoveLeftovers() => DaemonRequirement.RemoveLeftovers(name => name.Contains("/archive-", StringComparison.Ordinal));
}
