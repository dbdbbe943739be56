using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>copy between the real OCI registries of the test services and buckets, then docker pull from the registry.</summary>
public sealed class RegistryCopyTests
{
    private const string Amd64Manifest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
    private const string Amd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";

    private static string Registry(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{variable} is not set: start the test services (eng/services.sh start registry) and eval \"$(eng/services.sh env)\"");

    [Test]
    public void BucketToRegistryToBucketKeepsTheDigestAndDockerPullsIt()
    {
        DockerCli.RequireDaemon();
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var repository = $"{Registry("S3LO_TEST_REGISTRY")}/e2e-{Guid.NewGuid():N}/alpine:3";

        var push = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), repository, "--platform", "linux/amd64", "--output", "json");
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        Assert.That(JsonDocument.Parse(push.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(Amd64Manifest));

        var again = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), repository, "--platform", "linux/amd64", "--output", "json");
        Assert.That(JsonDocument.Parse(again.Stdout).RootElement.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));

        var pull = S3loBinary.Run("copy", repository, back.Ref("alpine:3"), "--output", "json");
        Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
        Assert.That(JsonDocument.Parse(pull.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(Amd64Manifest));
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);

        DockerCli.RemoveImage(repository);
        DockerCli.RemoveImage(Amd64Config);
        try
        {
            DockerCli.MustRun("pull", repository);
            Assert.That(DockerCli.ImageId(repository), Is.EqualTo(Amd64Config));
        }
        finally
        {
            DockerCli.RemoveImage(repository);
        }
    }

    [Test]
    public void BasicAuthRegistryTakesCredentialsAndRefusesWithout()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var repository = $"{Registry("S3LO_TEST_REGISTRY_AUTH")}/e2e-{Guid.NewGuid():N}/alpine:3";
        var creds = $"{Registry("S3LO_TEST_REGISTRY_USER")}:{Registry("S3LO_TEST_REGISTRY_PASSWORD")}";

        var anonymous = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), repository, "--platform", "linux/amd64");
        Assert.That(anonymous.ExitCode, Is.EqualTo(1), anonymous.ToString);
        Assert.That(anonymous.StderrLines[0], Does.StartWith("error: "));

        var withCreds = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), repository, "--platform", "linux/amd64", "--dest-creds", creds);
        Assert.That(withCreds.ExitCode, Is.EqualTo(0), withCreds.ToString);
        var skopeo = Processes.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", creds, "docker://" + repository]);
        Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);
        Assert.That("sha256:" + StoreChecker.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(skopeo.Stdout.TrimEnd('\n'))), Is.EqualTo(Amd64Manifest));
    }
}
