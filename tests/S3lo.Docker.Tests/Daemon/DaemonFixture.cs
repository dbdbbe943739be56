using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Daemon;

/// <summary>
/// Every test in this namespace needs a real Docker daemon at DOCKER_HOST: without one they fail with
/// this message instead of being skipped silently.
/// </summary>
[SetUpFixture]
public sealed class DaemonFixture
{
    [OneTimeSetUp]
    public async Task TheDaemonAnswers()
    {
        const string howTo = "start it with 'bash /work/shared/test-services/services.sh start docker' (or the project's eng/ launcher) and export DOCKER_HOST=unix:///tmp/s3lo-services/docker/docker.sock";
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
        // Anything a failed test left under the test prefix.
        var names = DockerCli.Run("images", "--format", "{{.Repository}}:{{.Tag}}", TestImages.RepositoryPrefix + "/*")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (names.Length > 0) DockerCli.RemoveQuietly(names);
    }
}
