using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Daemon;

public sealed class DockerClientTests
{
    private static string _image = "";
    private DockerClient _client = null!;

    [OneTimeSetUp]
    public void BuildImage() => _image = TestImages.Build("client", copyLayers: 2);

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(_image);

    [SetUp]
    public void Connect() => _client = new DockerClient();

    [TearDown]
    public void Disconnect() => _client.Dispose();

    [Test]
    public async Task PingAnswersAndRecordsTheApiVersion()
    {
        await _client.PingAsync(CancellationToken.None);
        Assert.That(_client.ApiVersion, Is.Not.Null);
        Assert.That(_client.Host.FromEnvironment, Is.True);
    }

    [Test]
    public async Task InspectGivesTheIdAndTheDiffIdsDockerInspectGives()
    {
        var inspect = await _client.InspectImageAsync(_image, CancellationToken.None);

        Assert.That(inspect, Is.Not.Null);
        Assert.That(inspect!.Id, Is.EqualTo(DockerCli.ImageId(_image)));
        Assert.That(inspect.RootFS!.Layers, Is.EqualTo(DockerCli.DiffIds(_image)));
        Assert.That(inspect.RootFS.Layers, Has.Count.EqualTo(3));
        Assert.That(inspect.RepoTags, Does.Contain(_image));
        Assert.That(inspect.Os, Is.EqualTo("linux"));
        Assert.That(inspect.Architecture, Is.Not.Empty);
        Assert.That(inspect.CreatedAt, Is.Not.Null);
    }

    [Test]
    public async Task InspectOfAMissingImageIsNull()
    {
        var inspect = await _client.InspectImageAsync(TestImages.NewName("missing"), CancellationToken.None);
        Assert.That(inspect, Is.Null);
    }

    [Test]
    public async Task InspectByIdFindsTheImage()
    {
        var id = Digest.Parse(DockerCli.ImageId(_image));
        var inspect = await _client.InspectImageAsync(id.ToString(), CancellationToken.None);
        Assert.That(inspect?.Id, Is.EqualTo(id.ToString()));
    }

    [Test]
    public void AnUnreachableSocketNamesTheAddressAndWhereItCameFrom()
    {
        var path = $"/tmp/s3lo-no-daemon-{Guid.NewGuid():N}/docker.sock";
        using var client = new DockerClient(DockerHost.Parse("unix://" + path, fromEnvironment: true));

        var e = Assert.ThrowsAsync<DockerUnavailableException>(() => client.PingAsync(CancellationToken.None));

        Assert.That(e!.Message, Does.Contain(path));
        Assert.That(e.Message, Does.Contain("(from DOCKER_HOST)"));
        Assert.That(e.Message, Does.StartWith("cannot reach the Docker daemon at unix://"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
        Assert.That(e.Hint, Does.Contain("DOCKER_HOST"));
        Assert.That(e, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
    }

    [Test]
    public void AnUnreachableDefaultSocketSaysDOCKERHOSTIsNotSet()
    {
        var path = $"/tmp/s3lo-no-daemon-{Guid.NewGuid():N}.sock";
        using var client = new DockerClient(DockerHost.Parse("unix://" + path, fromEnvironment: false));

        var e = Assert.ThrowsAsync<DockerUnavailableException>(() => client.InspectImageAsync("alpine", CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo($"cannot reach the Docker daemon at unix://{path} (DOCKER_HOST is not set): no such socket"));
        Assert.That(e.Hint, Is.EqualTo("start Docker, or set DOCKER_HOST to its socket"));
    }

    [Test]
    public void ASocketFileNobodyListensOnIsConnectionRefused()
    {
        using var dir = new TempDir("docker");
        var path = dir.File("dead.sock");
        // Bound but not listening (.NET removes the file when the socket is disposed, so keep it open).
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        using var client = new DockerClient(DockerHost.Parse("unix://" + path));

        var e = Assert.ThrowsAsync<DockerUnavailableException>(() => client.PingAsync(CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo($"cannot reach the Docker daemon at unix://{path} (from DOCKER_HOST): connection refused"));
    }

    [Test]
    public void ATcpAddressNobodyListensOnIsConnectionRefused()
    {
        using var client = new DockerClient(DockerHost.Parse("tcp://127.0.0.1:1"));
        var e = Assert.ThrowsAsync<DockerUnavailableException>(() => client.PingAsync(CancellationToken.None));
        Assert.That(e!.Message, Is.EqualTo("cannot reach the Docker daemon at tcp://127.0.0.1:1 (from DOCKER_HOST): connection refused"));
    }

    [Test]
    public void ExportOfAMissingImageIsNotFound()
    {
        var name = TestImages.NewName("missing");
        var e = Assert.ThrowsAsync<NotFoundException>(() => _client.ExportImageAsync(name, null, CancellationToken.None));
        Assert.That(e!.Message, Is.EqualTo($"image '{name}' not found in the Docker daemon"));
    }

    [Test]
    public async Task TagAndRemoveWorkAndRemoveOfAMissingImageIsFalse()
    {
        var id = Digest.Parse(DockerCli.ImageId(_image));
        var repository = TestImages.NewName("tagged").Split(':')[0];

        await _client.TagImageAsync(id.ToString(), repository, "v9", CancellationToken.None);
        Assert.That(Digest.Parse(DockerCli.ImageId($"{repository}:v9")), Is.EqualTo(id));

        Assert.That(await _client.RemoveImageAsync($"{repository}:v9", force: false, CancellationToken.None), Is.True);
        Assert.That(DockerCli.ImageExists($"{repository}:v9"), Is.False);
        Assert.That(DockerCli.ImageExists(_image), Is.True, "removing a second tag keeps the image");
        Assert.That(await _client.RemoveImageAsync($"{repository}:v9", force: false, CancellationToken.None), Is.False);
    }

    [Test]
    public void TagOfAMissingImageIsNotFound()
    {
        var missing = "sha256:" + new string('0', 64);
        Assert.ThrowsAsync<NotFoundException>(() => _client.TagImageAsync(missing, "s3lo-docker-test/x", "y", CancellationToken.None));
    }

    [Test]
    public void LoadOfABrokenArchiveReportsTheDaemonsError()
    {
        var e = Assert.ThrowsAsync<S3loException>(() => _client.LoadImageAsync(new MemoryStream("not a tar at all"u8.ToArray()), CancellationToken.None));
        Assert.That(e!.Message, Does.StartWith("the Docker daemon could not load the image: "));
        Assert.That(e.Message, Does.Contain("EOF").Or.Contain("tar"));
    }

    [Test]
    public async Task ExportStreamsAClassicArchiveOfTheImage()
    {
        await using var export = await _client.ExportImageAsync(_image, null, CancellationToken.None);
        using var copy = new MemoryStream();
        await export.CopyToAsync(copy);

        var saved = SavedImage.Parse(copy.ToArray());
        Assert.That(saved.ConfigDigest, Is.EqualTo(Digest.Parse(DockerCli.ImageId(_image))));
        Assert.That(saved.DiffIds.Select(d => d.ToString()), Is.EqualTo(DockerCli.DiffIds(_image)));
        Assert.That(saved.RepoTags, Is.EqualTo(new[] { _image }));
    }

    [Test]
    public async Task ExportWithAPlatformWorksOnADaemonThatPredatesTheParameter()
    {
        // API 1.41 has no platform parameter: it is not sent, and the export is the image as it is.
        using var spool = new TempDir("docker");
        await using var export = await _client.ExportImageAsync(_image, "linux/amd64", CancellationToken.None);
        var contents = await DockerArchiveReader.ReadAsync(export, spool.Path, new DockerArchiveReadOptions(), CancellationToken.None);
        Assert.That(contents.ConfigDigest, Is.EqualTo(Digest.Parse(DockerCli.ImageId(_image))));
    }
}
