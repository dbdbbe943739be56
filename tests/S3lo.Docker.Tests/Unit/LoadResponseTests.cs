using System.Text;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Docker.Engine;

namespace S3lo.Docker.Tests.Unit;

public sealed class LoadResponseTests
{
    [Test]
    public void LoadedIdsAndNamesAreCollected()
    {
        var id = "sha256:" + new string('c', 64);
        var body = $"{{\"stream\":\"Loaded image ID: {id}\\n\"}}\r\n{{\"stream\":\"Loaded image: example/app:v1\\n\"}}\n";

        var result = DockerClient.ParseLoadResponse(Encoding.UTF8.GetBytes(body));

        Assert.That(result.ImageIds, Is.EqualTo(new[] { Digest.Parse(id) }));
        Assert.That(result.Names, Is.EqualTo(new[] { "example/app:v1" }));
    }

    [Test]
    public void AnErrorLineBecomesOneLineWithTheDaemonsText()
    {
        const string body = "{\"errorDetail\":{\"message\":\"Error processing tar file(exit status 1): unexpected EOF\"},\"error\":\"Error processing tar file(exit status 1): unexpected EOF\"}\n";

        var e = Assert.Throws<S3loException>(() => DockerClient.ParseLoadResponse(Encoding.UTF8.GetBytes(body)));

        Assert.That(e!.Message, Is.EqualTo("the Docker daemon could not load the image: Error processing tar file(exit status 1): unexpected EOF"));
    }

    [Test]
    public void AResponseThatLoadedNothingIsAnError()
    {
        Assert.Throws<S3loException>(() => DockerClient.ParseLoadResponse("{\"status\":\"working\"}\n"u8));
    }
}
