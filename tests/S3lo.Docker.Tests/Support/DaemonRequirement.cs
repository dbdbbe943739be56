using S3lo.Docker.Engine;

namespace S3lo.Docker.Tests.Support;

/// <summary>Daemon tests need a real Docker daemon at DOCKER_HOST: without one they fail with this message, never skip.</summary>
public static class DaemonRequirement
{
    private const string HowTo = "start it with 'bash eng/services.sh start docker' and eval \"$(bash eng/services.sh env)\"";

    public static async Task EnsureAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST")))
            Assert.Fail($"DOCKER_HOST is not set: these tests need a real Docker daemon; {HowTo}");
        using var client = new DockerClient();
        try
        {
            await client.PingAsync(CancellationToken.None);
        }
        catch (DockerUnavailableException e)
        {
            Assert.Fail($"the Docker daemon is not reachable ({e.Message}); {HowTo}");
        }
    }

    /// <summary>Removes images a failed test left under the test prefix (those <paramref name="mine"/> accepts).</summary>
    public static void RemoveLeftovers(Func<string, bool> mine)
    {
        var names = DockerCli.MustRun("images", "--format", "{{.Repository}}:{{.Tag}}", TestImages.RepositoryPrefix + "/*").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(mine)
            .ToArray();
        if (names.Length > 0) DockerCli.RemoveImage(names);
    }
}
