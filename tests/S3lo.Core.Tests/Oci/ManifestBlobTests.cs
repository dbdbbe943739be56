using System.Text;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Oci;

[TestFixture]
public class ManifestBlobTests
{
    private const string Config = """{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb","size":611}""";
    private const string Layer = """{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:589002ba0eaed121a1dbf42f6648f29e5be55d5c8a6ee0f8eaa0285cc21ac153","size":3861821}""";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Test]
    public void ParsingTheFixturesIndexKeepsItsBytesAndDigest()
    {
        var bytes = File.ReadAllBytes(FixtureStore.ManifestPath);

        var blob = ManifestBlob.Parse(bytes, "manifest of alpine:latest");

        Assert.That(blob.Bytes, Is.EqualTo(bytes));
        Assert.That(blob.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(blob.Size, Is.EqualTo(bytes.Length));
        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(blob.IsIndex, Is.True);
        Assert.That(blob.Manifest, Is.Null);
        Assert.That(blob.Index!.Manifests, Has.Count.EqualTo(16));
        Assert.That(blob.Index.Manifests[0].Digest, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(blob.Index.Manifests[0].Platform, Is.EqualTo(new Platform { Os = "linux", Architecture = "amd64" }));
    }

    [Test]
    public void ParsingAFixturePlatformManifestKeepsItsDigest()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixtureStore.Path, "blobs", "sha256", FixtureStore.Amd64ManifestDigest[7..]));

        var blob = ManifestBlob.Parse(bytes, "amd64 manifest");

        Assert.That(blob.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.OciManifest));
        Assert.That(blob.Manifest!.Config.Digest, Is.EqualTo(FixtureStore.Amd64ConfigDigest));
        Assert.That(blob.Manifest.Layers.Select(l => l.Digest), Is.EqualTo(new[] { FixtureStore.Amd64LayerDigest }));
        Assert.That(blob.ToDescriptor(), Is.EqualTo(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = FixtureStore.Amd64ManifestDigest, Size = 1022 }));
    }

    [Test]
    public void TheDocumentsOwnMediaTypeWinsOverTheHint()
    {
        var bytes = Utf8($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{{Config}},"layers":[{{Layer}}]}""");

        var blob = ManifestBlob.Parse(bytes, "m", MediaTypes.OciManifest);

        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.DockerManifest));
        Assert.That(blob.IsIndex, Is.False);
    }

    [Test]
    public void TheHintGivesTheMediaTypeWhenTheDocumentHasNone()
    {
        var manifest = Utf8($$"""{"schemaVersion":2,"config":{{Config}},"layers":[{{Layer}}]}""");
        var index = Utf8("""{"schemaVersion":2,"manifests":[]}""");

        Assert.That(ManifestBlob.Parse(manifest, "m", MediaTypes.DockerManifest).MediaType, Is.EqualTo(MediaTypes.DockerManifest));
        Assert.That(ManifestBlob.Parse(index, "i", MediaTypes.DockerManifestList).MediaType, Is.EqualTo(MediaTypes.DockerManifestList));
        Assert.That(ManifestBlob.Parse(index, "i", MediaTypes.DockerManifestList).IsIndex, Is.True);
    }

    [Test]
    public void TheShapeGivesTheMediaTypeWhenNeitherDocumentNorHintHasOne()
    {
        var manifest = Utf8($$"""{"schemaVersion":2,"config":{{Config}},"layers":[{{Layer}}]}""");
        var index = Utf8("""{"schemaVersion":2,"manifests":[]}""");

        var m = ManifestBlob.Parse(manifest, "m");
        var i = ManifestBlob.Parse(index, "i");

        Assert.That(m.MediaType, Is.EqualTo(MediaTypes.OciManifest));
        Assert.That(m.IsIndex, Is.False);
        Assert.That(i.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(i.IsIndex, Is.True);
        Assert.That(m.Bytes, Is.EqualTo(manifest), "the bytes are never rewritten, even when the media type is inferred");
    }

    [Test]
    public void AnUnsupportedMediaTypeIsRejected()
    {
        var bytes = Utf8("""{"schemaVersion":2,"mediaType":"application/vnd.example.thing+json"}""");

        Assert.That(() => ManifestBlob.Parse(bytes, "manifest of app:v1"),
            Throws.TypeOf<S3loException>().With.Message.EqualTo("manifest of app:v1 has unsupported media type 'application/vnd.example.thing+json'"));
    }

    [Test]
    public void ASchemaVersion1ManifestIsRejected()
    {
        var bytes = Utf8($$"""{"schemaVersion":1,"mediaType":"{{MediaTypes.OciManifest}}","config":{{Config}},"layers":[]}""");

        Assert.That(() => ManifestBlob.Parse(bytes, "m"), Throws.TypeOf<S3loException>().With.Message.Contains("schemaVersion 1"));
    }

    [Test]
    public void AnOversizedDocumentIsRejectedWithAOneLineMessage()
    {
        var bytes = Utf8("{\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"pad\":\"" + new string('x', OciJson.MaxDocumentBytes) + "\"}");

        var error = Assert.Throws<S3loException>(() => ManifestBlob.Parse(bytes, "manifest of big:v1"));

        Assert.That(error!.Message, Is.EqualTo($"manifest of big:v1 is {bytes.Length} bytes, over the 4194304-byte limit for manifests"));
    }

    [Test]
    public void ADocumentOfExactlyTheLimitIsAccepted()
    {
        var head = Utf8("""{"schemaVersion":2,"manifests":[],"pad":" """.TrimEnd());
        var bytes = head.Concat(Enumerable.Repeat((byte)'x', OciJson.MaxDocumentBytes - head.Length - 2)).Concat(Utf8("\"}")).ToArray();
        Assert.That(bytes, Has.Length.EqualTo(OciJson.MaxDocumentBytes));

        Assert.That(ManifestBlob.Parse(bytes, "big").IsIndex, Is.True);
    }

    [TestCase("{not json")]
    [TestCase("")]
    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("\"a string\"")]
    [TestCase("{\"schemaVersion\":2,\"manifests\":[")]
    [TestCase("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]} trailing")]
    [TestCase("{\"schemaVersion\":2,\"manifests\":[]} trailing")]
    [TestCase("{\"schemaVersion\":2,\"manifests\":[]}{\"x\":1}")]
    [TestCase("{\"schemaVersion\":\"two\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")]
    public void InvalidJsonIsRejectedWithAOneLineMessage(string text)
    {
        var error = Assert.Throws(Is.InstanceOf<S3loException>(), () => ManifestBlob.Parse(Utf8(text), "manifest of app:v1"));

        Assert.That(error!.Message, Does.StartWith("manifest of app:v1 "));
        Assert.That(error.Message, Does.Not.Contain('\n').And.Not.Contain('\r'));
    }

    [Test]
    public void AManifestWithNullLayersIsRejectedOrReadAsEmpty()
    {
        // Untrusted input: "layers": null must not surface later as a NullReferenceException in the engine.
        var bytes = Utf8($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{{Config}},"layers":null}""");

        ManifestBlob blob;
        try
        {
            blob = ManifestBlob.Parse(bytes, "m");
        }
        catch (S3loException)
        {
            return;
        }
        Assert.That(blob.Manifest!.Layers, Is.Not.Null);
    }

    [Test]
    public void AnIndexWithNullManifestsIsRejectedOrReadAsEmpty()
    {
        var bytes = Utf8($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":null}""");

        ManifestBlob blob;
        try
        {
            blob = ManifestBlob.Parse(bytes, "i");
        }
        catch (S3loException)
        {
            return;
        }
        Assert.That(blob.Index!.Manifests, Is.Not.Null);
    }

    [Test]
    public void FromManifestWritesPlusSignsUnescaped()
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = FixtureStore.Amd64ConfigDigest, Size = 611 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = FixtureStore.Amd64LayerDigest, Size = 3861821 }],
        };

        var blob = ManifestBlob.FromManifest(manifest);
        var text = Encoding.UTF8.GetString(blob.Bytes);

        Assert.That(text, Does.Not.Contain("\\u002B").IgnoreCase);
        Assert.That(text, Does.Contain("application/vnd.oci.image.manifest.v1+json"));
        Assert.That(text, Does.Contain("application/vnd.oci.image.layer.v1.tar+gzip"));
        Assert.That(blob.Digest.ToString(), Is.EqualTo(Sha.Of(blob.Bytes)));
        Assert.That(blob.MediaType, Is.EqualTo(MediaTypes.OciManifest));
        Assert.That(blob.Manifest, Is.EqualTo(manifest with { Layers = blob.Manifest!.Layers }));
        Assert.That(blob.Manifest.Layers, Is.EqualTo(manifest.Layers));
    }

    [Test]
    public void FromManifestIsDeterministic()
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = FixtureStore.Amd64ConfigDigest, Size = 611 },
        };

        var first = ManifestBlob.FromManifest(manifest);
        var second = ManifestBlob.FromManifest(manifest with { });

        Assert.That(second.Bytes, Is.EqualTo(first.Bytes));
    }
}
