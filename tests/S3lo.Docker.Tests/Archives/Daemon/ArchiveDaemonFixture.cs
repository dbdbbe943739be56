using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Archives.Daemon;

/// <summary>The docker-archive tests against the real daemon need one at DOCKER_HOST: without it they fail, never skip.</summary>
[SetUpFixture]
public sealed class ArchiveDaemonFixture
{
    [OneTimeSetUp]
    public async Task TheDaemonAnswers()
    {
        const string howTo = "start it with 'bash eng/services.sh start docker' and eval \"$(bash eng/services.sh env)\"";
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST")))
            Assert.Fail($"DOCKER_HOST is not set: these tests need a real Docker daemon; {howTo}");
        using var client = new DockerClient();
        try
        {
            await client.PingAsync(CancellationToken.None);
        }
        catch (DockerUnavailableException e)
        {
            Assert.Fail($"the Docker daemon is not reachable ({e.Message}); {howTo}");
        }
    }

    [OneTimeTearDown]
    public void RemoveLeftovers()
    {
        var names = DockerCli.Run("images", "--format", "{{.Repository}}:{{.Tag}}", TestImages.RepositoryPrefix + "/*")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(n => n.Contains("/archive-", StringComparison.Ordinal))
            .ToArray();
        if (names.Length > 0) DockerCli.RemoveQuietly(names);
    }
}
