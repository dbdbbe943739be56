using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Content discovery of <c>s3lo serve</c> (the published binary): tag listings and the OCI 1.1 referrers API,
/// after the OCI distribution-spec conformance suite (conformance/03_discovery_test.go), plus s3lo's own tag
/// signatures as referrers and the manifest cache's TTL.
/// <para>
/// Conformance cases, each a test here:
/// - tags: "GET request to list tags should yield 200 response"; "GET number of tags should be limitable by
///   `n` query parameter"; "GET start of tag is set by `last` query parameter" (and, from the spec's text,
///   n=0 is an empty list and a `last` that is no tag starts after it).
/// - referrers: "GET request to nonexistent blob should result in empty 200 response"; "GET request to existing
///   blob should yield 200" (five referrers, each with its one annotation); "GET request to existing blob with
///   filter should yield 200" (OCI-Filters-Applied: artifactType, two referrers); "GET request to missing
///   manifest should yield 200" (a referrer of a subject that is not in the registry is listed).
/// </para>
/// The suite pushes its referrers through the registry; serve's push is another part, so the store is laid out
/// here as that push leaves it: each referrer manifest in blobs/ and its descriptor under s3lo-index/referrers/.
/// </summary>
[NonParallelizable]
public sealed class ServeDiscoveryTests
{
    private const string Repository = "disc/app";
    private const string Password = "discovery";
    private const string AnnotationKey = "org.opencontainers.conformance.test";
    private const string ArtifactTypeA = "application/vnd.oci.conformance.a";
    private const string ArtifactTypeB = "application/vnd.oci.conformance.b";
    private const string EmptyDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private static readonly string[] Tags = ["test0", "test1", "test2", "test3"];

    private TempStore _store = null!;
    private ServedBucket _served = null!;
    private HttpClient _http = null!;
    private string _subject = "";
    private string _missingSubject = "";
    private string _signedDigest = "";
    private string _keyId = "";
    private readonly Dictionary<string, string> _annotations = [];
    private readonly List<string> _typeA = [];
    private string _orphanReferrer = "";
    private string _layout = "";

    [OneTimeSetUp]
    public void Serve()
    {
        _store = new TempStore();
        var layout = _layout = Path.Combine(_store.Parent, "layout");
        var image = OciLayoutImages.Write(layout, "1", 1, 2);
        _subject = OciLayoutImages.Write(layout, "subject", 3);
        foreach (var tag in Tags) Copy($"oci:{layout}:1", $"{Repository}:{tag}");
        Copy($"oci:{layout}:subject", $"{Repository}:subject");
        Assert.That(image, Is.Not.EqualTo(_subject));

        // the conformance referrers of the subject: artifact type from the config (A) or the field (B), and an index
        _missingSubject = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("no such manifest"u8));
        _typeA.Add(AddReferrer(_subject, ConfigArtifact(ArtifactTypeA, "a-config"), ArtifactTypeA, "a-config"));
        _typeA.Add(AddReferrer(_subject, LayerArtifact(ArtifactTypeA, "a-layer"), ArtifactTypeA, "a-layer"));
        AddReferrer(_subject, ConfigArtifact(ArtifactTypeB, "b-config"), ArtifactTypeB, "b-config");
        AddReferrer(_subject, LayerArtifact(ArtifactTypeB, "b-layer"), ArtifactTypeB, "b-layer");
        AddReferrer(_subject, IndexArtifact("index"), "application/vnd.oci.conformance.index", "index");
        _orphanReferrer = AddReferrer(_missingSubject, LayerArtifact(ArtifactTypeA, "c-layer", _missingSubject), ArtifactTypeA, "c-layer");

        // an s3lo tag signature, made the way a user makes one
        Copy($"oci:{layout}:1", "disc/signed:1");
        _signedDigest = image;
        var keys = Path.Combine(_store.Parent, "keys");
        Directory.CreateDirectory(keys);
        Assert.That(RunWithPassword(keys, "keygen").ExitCode, Is.EqualTo(0));
        var sign = RunWithPassword(keys, "sign", _store.Ref("disc/signed:1"), "--key", "cosign.key");
        Assert.That(sign.ExitCode, Is.EqualTo(0), sign.ToString);
        _keyId = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(_store.Root, "manifests", "disc", "signed", "1", "signatures")).Single());

        _served = ServedBucket.Start(_store.Url);
        _http = new HttpClient { BaseAddress = _served.BaseAddress };
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _http?.Dispose();
        _served?.Dispose();
        _store?.Dispose();
    }

    [Test]
    public async Task ListingTagsGivesEveryTag()
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/tags/list");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("name").GetString(), Is.EqualTo(Repository));
        Assert.That(TagsOf(body), Is.EqualTo(Tags.Append("subject").Order(StringComparer.Ordinal).ToArray()));
    }

    [Test]
    public async Task TheNumberOfTagsIsLimitedByN()
    {
        var half = (await Tags_($"/v2/{Repository}/tags/list")).Length / 2;
        using var response = await _http.GetAsync($"/v2/{Repository}/tags/list?n={half}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var tags = TagsOf(body);
        Assert.That(tags, Has.Length.EqualTo(half));
        Assert.That(response.Headers.GetValues("Link").Single(), Is.EqualTo($"</v2/{Repository}/tags/list?n={half}&last={tags[^1]}>; rel=\"next\""));
    }

    [Test]
    public async Task TheStartOfTheTagsIsSetByLast()
    {
        var half = (await Tags_($"/v2/{Repository}/tags/list")).Length / 2;
        var first = await Tags_($"/v2/{Repository}/tags/list?n={half}");
        var last = first[half - 1];
        var next = await Tags_($"/v2/{Repository}/tags/list?n={half}&last={last}");
        Assert.That(next, Has.Length.LessThanOrEqualTo(half));
        Assert.That(next, Does.Not.Contain(last));
        Assert.That(next, Is.EqualTo(new[] { "test1", "test2" }), "subject, test0 | test1, test2 | test3");
    }

    [Test]
    public async Task NZeroIsAnEmptyListAndALastThatIsNoTagStartsAfterIt()
    {
        Assert.That(await Tags_($"/v2/{Repository}/tags/list?n=0"), Is.Empty);
        Assert.That(await Tags_($"/v2/{Repository}/tags/list?last=test1a"), Is.EqualTo(new[] { "test2", "test3" }));
    }

    [Test]
    public async Task ReferrersOfANonexistentDigestAreAnEmptyIndex()
    {
        var dummy = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("dummy"u8));
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{dummy}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/vnd.oci.image.index.v1+json"));
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.That(index.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(2));
        Assert.That(index.RootElement.GetProperty("manifests").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task ReferrersOfTheSubjectAreListedWithTheirAnnotations()
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{_subject}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/vnd.oci.image.index.v1+json"));
        Assert.That(response.Headers.Contains("OCI-Filters-Applied"), Is.False);
        var manifests = await ManifestsOf(response);
        Assert.That(manifests, Has.Length.EqualTo(5));
        Assert.That(manifests.Select(m => m.GetProperty("digest").GetString()).Distinct().Count(), Is.EqualTo(5));
        foreach (var m in manifests)
        {
            var annotations = m.GetProperty("annotations").EnumerateObject().ToList();
            Assert.That(annotations, Has.Count.EqualTo(1));
            Assert.That(annotations[0].Name, Is.EqualTo(AnnotationKey));
            Assert.That(annotations[0].Value.GetString(), Is.EqualTo(_annotations[m.GetProperty("digest").GetString()!]));
        }
    }

    [Test]
    public async Task AnArtifactTypeFilterIsAppliedAndSaysSo()
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{_subject}?artifactType={Uri.EscapeDataString(ArtifactTypeA)}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("OCI-Filters-Applied").Single(), Is.EqualTo("artifactType"));
        var manifests = await ManifestsOf(response);
        Assert.That(manifests.Select(m => m.GetProperty("digest").GetString()), Is.EquivalentTo(_typeA));
        Assert.That(manifests.Select(m => m.GetProperty("artifactType").GetString()), Is.All.EqualTo(ArtifactTypeA));
    }

    [Test]
    public async Task AReferrerOfAManifestNotInTheRegistryIsListed()
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{_missingSubject}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var manifests = await ManifestsOf(response);
        Assert.That(manifests.Select(m => m.GetProperty("digest").GetString()), Is.EqualTo(new[] { _orphanReferrer }));
    }

    [TestCase("sha256:XYZ")]
    [TestCase("md5:abc")]
    public async Task AnInvalidSubjectIsDigestInvalid(string subject)
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{subject}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), Is.EqualTo("DIGEST_INVALID"));
    }

    [Test]
    public async Task EveryListedReferrerAndTheBlobsItNamesCanBeFetched()
    {
        using var response = await _http.GetAsync($"/v2/{Repository}/referrers/{_subject}");
        foreach (var m in await ManifestsOf(response))
        {
            var digest = m.GetProperty("digest").GetString()!;
            var bytes = await FetchManifestAsync(Repository, digest, m.GetProperty("mediaType").GetString()!);
            Assert.That(bytes.LongLength, Is.EqualTo(m.GetProperty("size").GetInt64()));
            await AssertBlobsFetchableAsync(Repository, bytes);
        }
    }

    [Test]
    public async Task ASignedTagShowsUpInTheReferrersOfItsDigestAndIsFetchable()
    {
        using var response = await _http.GetAsync($"/v2/disc/signed/referrers/{_signedDigest}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var listed = (await ManifestsOf(response)).Single();
        Assert.That(listed.GetProperty("artifactType").GetString(), Is.EqualTo("application/vnd.s3lo.signature.v1+json"));
        Assert.That(listed.GetProperty("annotations").GetProperty("dev.s3lo.signature.keyid").GetString(), Is.EqualTo(_keyId));
        var digest = listed.GetProperty("digest").GetString()!;

        var bytes = await FetchManifestAsync("disc/signed", digest, "application/vnd.oci.image.manifest.v1+json");
        Assert.That(bytes.LongLength, Is.EqualTo(listed.GetProperty("size").GetInt64()));
        using var artifact = JsonDocument.Parse(bytes);
        Assert.That(artifact.RootElement.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(_signedDigest));
        var file = File.ReadAllText(Path.Combine(_store.Root, "manifests", "disc", "signed", "1", "signatures", _keyId + ".json"));
        Assert.That(artifact.RootElement.GetProperty("annotations").GetProperty("dev.s3lo.signature").GetString(), Is.EqualTo(file));
        await AssertBlobsFetchableAsync("disc/signed", bytes);

        // with the filter, and nowhere else: not under the repository that holds the same image unsigned
        using var filtered = await _http.GetAsync($"/v2/disc/signed/referrers/{_signedDigest}?artifactType=application/vnd.s3lo.signature.v1%2Bjson");
        Assert.That((await ManifestsOf(filtered)).Select(m => m.GetProperty("digest").GetString()), Is.EqualTo(new[] { digest }));
        using var unsigned = await _http.GetAsync($"/v2/{Repository}/referrers/{_signedDigest}");
        Assert.That(await ManifestsOf(unsigned), Is.Empty);
    }

    [Test]
    public async Task ARepushedTagIsServedOnceTheCacheTtlHasPassed()
    {
        var layout = Path.Combine(_store.Parent, "moving");
        var before = OciLayoutImages.Write(layout, "1", 11);
        var after = OciLayoutImages.Write(layout, "2", 12);
        Copy($"oci:{layout}:1", "disc/moving:latest");
        using var served = ServedBucket.Start(_store.Url, "--cache-ttl", "1s");
        using var http = new HttpClient { BaseAddress = served.BaseAddress };
        Assert.That(await DigestOfTagAsync(http), Is.EqualTo(before));

        Copy($"oci:{layout}:2", "disc/moving:latest");
        // the TTL bounds how long the old manifest is served; polled, with a generous limit, not timed
        var seen = before;
        for (var i = 0; i < 120 && seen != after; i++)
        {
            await Task.Delay(500);
            seen = await DigestOfTagAsync(http);
        }
        Assert.That(seen, Is.EqualTo(after));
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    private static async Task<string> DigestOfTagAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/v2/disc/moving/manifests/latest");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private async Task<byte[]> FetchManifestAsync(string name, string digest, string mediaType)
    {
        using var get = await _http.GetAsync($"/v2/{name}/manifests/{digest}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK), digest);
        Assert.That(get.Content.Headers.ContentType!.ToString(), Is.EqualTo(mediaType), digest);
        var bytes = await get.Content.ReadAsByteArrayAsync();
        Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(digest));
        return bytes;
    }

    /// <summary>The config and layers of a manifest (or the manifests of an index) can each be fetched, with their digest.</summary>
    private async Task AssertBlobsFetchableAsync(string name, byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        var root = document.RootElement;
        if (root.TryGetProperty("manifests", out var children))
        {
            foreach (var child in children.EnumerateArray())
                await FetchManifestAsync(name, child.GetProperty("digest").GetString()!, child.GetProperty("mediaType").GetString()!);
            return;
        }
        foreach (var blob in root.GetProperty("layers").EnumerateArray().Append(root.GetProperty("config")))
        {
            var digest = blob.GetProperty("digest").GetString()!;
            using var get = await _http.GetAsync($"/v2/{name}/blobs/{digest}");
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK), digest);
            var bytes = await get.Content.ReadAsByteArrayAsync();
            Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(digest));
        }
    }

    private async Task<string[]> Tags_(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return TagsOf(body);
    }

    private static string[] TagsOf(JsonDocument body) =>
        [.. body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];

    private static async Task<JsonElement[]> ManifestsOf(HttpResponseMessage response)
    {
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return [.. index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.Clone())];
    }

    private void Copy(string source, string imageAndTag)
    {
        var r = S3loBinary.Run("copy", source, _store.Ref(imageAndTag));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
    }

    private RunResult RunWithPassword(string workingDirectory, params string[] args)
    {
        var result = Processes.Run(S3loBinary.Path, args, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = Password }, workingDirectory, TimeSpan.FromMinutes(3), new MemoryStream());
        StderrLog.Append(args, result.Stderr);
        return result;
    }

    /// <summary>
    /// Stores a referrer as serve's push leaves it: the manifest in blobs/, its descriptor (with its artifact
    /// type and annotations) under s3lo-index/referrers/SUBJECT/. Returns the referrer's digest.
    /// </summary>
    private string AddReferrer(string subject, byte[] manifest, string artifactType, string annotation)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(manifest));
        File.WriteAllBytes(Path.Combine(_store.Root, "blobs", "sha256", hex), manifest);
        using var parsed = JsonDocument.Parse(manifest);
        var mediaType = parsed.RootElement.GetProperty("mediaType").GetString();
        var descriptor = $$$"""{"mediaType":"{{{mediaType}}}","digest":"sha256:{{{hex}}}","size":{{{manifest.Length}}},"artifactType":"{{{artifactType}}}","annotations":{"{{{AnnotationKey}}}":"{{{annotation}}}"}}""";
        var directory = Path.Combine(_store.Root, "s3lo-index", "referrers", "sha256", subject["sha256:".Length..]);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, hex), descriptor);
        _annotations["sha256:" + hex] = annotation;
        return "sha256:" + hex;
    }

    private byte[] ConfigArtifact(string artifactType, string annotation) => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"{{{artifactType}}}","digest":"{{{EmptyDigest}}}","size":2},"layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{EmptyDigest}}}","size":2}],"subject":{{{SubjectOf(_subject)}}},"annotations":{"{{{AnnotationKey}}}":"{{{annotation}}}"}}""");

    private byte[] LayerArtifact(string artifactType, string annotation, string? subject = null) => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"{{{artifactType}}}","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{EmptyDigest}}}","size":2},"layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{EmptyDigest}}}","size":2}],"subject":{{{SubjectOf(subject ?? _subject)}}},"annotations":{"{{{AnnotationKey}}}":"{{{annotation}}}"}}""");

    private byte[] IndexArtifact(string annotation) => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.oci.conformance.index","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{_subject}}}","size":{{{ManifestSize(_subject)}}}}],"subject":{{{SubjectOf(_subject)}}},"annotations":{"{{{AnnotationKey}}}":"{{{annotation}}}"}}""");

    private string SubjectOf(string digest) =>
        $$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{digest}}}","size":{{{ManifestSize(digest)}}}}""";

    private long ManifestSize(string digest)
    {
        // the subject's manifest as written to the layout; a subject that is nowhere gets a made-up size
        var path = Path.Combine(_layout, "blobs", "sha256", digest["sha256:".Length..]);
        return File.Exists(path) ? new FileInfo(path).Length : 1234;
    }
}
