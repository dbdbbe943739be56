using System.Security.Cryptography;
using System.Text;
using S3lo.Core.Errors;
using S3lo.Docker.Daemon;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Unit;

/// <summary>The message stream of images/load?quiet=0, line by line as the daemon (moby's jsonmessage) writes it.</summary>
public sealed class LoadMessagesTests
{
    // As dockerd 28 writes them for a two-layer load, then the result.
    private static readonly string[] Stream =
    [
        "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":32768,\"total\":7338496},\"progress\":\"[\\u003e                                                  ]  32.77kB/7.338MB\",\"id\":\"3e207b409db3\"}",
        "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":7338496,\"total\":7338496},\"progress\":\"[==================================================\\u003e]  7.338MB/7.338MB\",\"id\":\"3e207b409db3\"}",
        "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":512,\"total\":20971520},\"progress\":\"[\\u003e                                                  ]     512B/20.97MB\",\"id\":\"8d3ac3489996\"}",
        "{\"stream\":\"Loaded image ID: sha256:" + new string('c', 64) + "\\n\"}",
    ];

    [Test]
    public void LoadingLayerLinesAreProgressPerLayer()
    {
        var messages = new DockerLoadMessages();

        var progress = Stream.Select(l => messages.Read(Encoding.UTF8.GetBytes(l))).ToList();

        Assert.That(progress, Is.EqualTo(new DockerLoadProgress?[]
        {
            new("3e207b409db3", 32768, 7338496),
            new("3e207b409db3", 7338496, 7338496),
            new("8d3ac3489996", 512, 20971520),
            null,
        }));
        Assert.That(messages.Result().ImageIds.Select(i => i.ToString()), Is.EqualTo(new[] { "sha256:" + new string('c', 64) }));
        Assert.That(messages.Loaded, Is.EqualTo(new[] { "Loaded image ID: sha256:" + new string('c', 64) }));
    }

    [Test]
    public void AnErrorAfterProgressStillEndsTheLoadWithTheDaemonsText()
    {
        var messages = new DockerLoadMessages();
        messages.Read(Encoding.UTF8.GetBytes(Stream[0]));

        var e = Assert.Throws<S3loException>(() => messages.Read(
            "{\"errorDetail\":{\"message\":\"failed to register layer: unexpected EOF\"},\"error\":\"failed to register layer: unexpected EOF\"}"u8));

        Assert.That(e!.Message, Is.EqualTo("the Docker daemon could not load the image: failed to register layer: unexpected EOF"));
    }

    [Test]
    public void ProgressWithoutATotalIsNotLayerProgress()
    {
        var messages = new DockerLoadMessages();
        Assert.That(messages.Read("{\"status\":\"Loading layer\",\"progressDetail\":{},\"id\":\"3e207b409db3\"}"u8), Is.Null);
        Assert.That(messages.Read("not json"u8), Is.Null);
    }

    [Test]
    public void ChainIdsFollowTheImageSpec()
    {
        var a = "sha256:" + new string('a', 64);
        var b = "sha256:" + new string('b', 64);
        var c = "sha256:" + new string('c', 64);
        var ab = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(a + " " + b)));
        var abc = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(ab + " " + c)));

        Assert.That(DaemonLoadProgress.ChainIds([a, b, c]), Is.EqualTo(new[] { a, ab, abc }));
    }

    [TestCase("blobs/sha256/3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708", "sha256:3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708")]
    [TestCase("3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708/layer.tar", "sha256:3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708")]
    [TestCase("layers/weird.tar", null)]
    public void ExportedLayersAreNamedByTheirArchiveEntry(string entry, string? name) =>
        Assert.That(DockerSaveImage.ProgressName(entry), Is.EqualTo(name));
}
