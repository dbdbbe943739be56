using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The push half of the OCI distribution-spec conformance suite (conformance/02_push_test.go), sent with
/// HttpClient to the published binary running <c>serve --allow-push</c> on a local store, whose files are
/// then read directly. The spec's cases and where each is checked here:
/// <list type="bullet">
/// <item>Blob Upload Streamed — POST, PATCH with the blob → 202, PUT ?digest= → 201: <see cref="StreamedPatchThenEmptyPutStoresTheBlob"/> (as docker sends it: chunked, no length).</item>
/// <item>Blob Upload Monolithic — POST ?digest= with the blob → 201; POST then PUT ?digest= with the blob → 201; GET the blob → 200:
///   <see cref="PostWithDigestAndBodyStoresTheBlobInOneRequest"/>, <see cref="PostThenPutWithTheBlobStoresIt"/>.</item>
/// <item>Blob Upload Chunked — PATCH with Content-Range → 202, PUT with the final chunk → 201: <see cref="ChunkedPatchThenPutWithTheLastChunkStoresTheBlob"/>;
///   out-of-order chunk → 416: <see cref="OutOfOrderChunkIs416WithTheRangeHeld"/>.</item>
/// <item>Upload status (spec "Resuming an upload") — GET → 204 + Range: <see cref="UploadStatusReportsTheRangeReceived"/>.</item>
/// <item>Cancel an upload (spec "Deleting an upload") — DELETE → 204, then 404 BLOB_UPLOAD_UNKNOWN: <see cref="CancelledUploadIsGoneWithItsChunks"/>.</item>
/// <item>Cross Repository Blob Mount — 201 when the blob is there, a 202 session when not: <see cref="MountIsCreatedForAPresentBlobAndASessionForAnAbsentOne"/>.</item>
/// <item>Manifest Upload — PUT by tag → 201 and GET by digest → 200; PUT by digest: <see cref="ManifestByDigestIsABlobAndByTagIsTheTag"/>.</item>
/// <item>Errors — a manifest naming a missing blob → 400 MANIFEST_BLOB_UNKNOWN (the status distribution answers); a wrong digest → DIGEST_INVALID with nothing stored; an unknown
///   session → BLOB_UPLOAD_UNKNOWN: <see cref="ManifestNamingAMissingBlobIsManifestBlobUnknown"/>, <see cref="WrongDigestIsDigestInvalidAndStoresNothing"/>,
///   <see cref="UnknownOrForeignSessionIsBlobUploadUnknown"/>.</item>
/// <item>s3lo's own rule — an immutable tag is refused with DENIED and stays as it was: <see cref="ImmutableTagIsDeniedAndUnchanged"/>.</item>
/// <item>Referrers (OCI 1.1) — a manifest with a subject answers OCI-Subject, is indexed and listed by GET NAME/referrers/SUBJECT: <see cref="ManifestWithASubjectIsIndexedAsAReferrer"/>.</item>
/// </list>
/// </summary>
[NonParallelizable]
public sealed class ServeConformancePushTests
{
    private TempStore _store = null!;
    private ServedBucket _served = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void Serve()
    {
        _store = new TempStore();
        var config = S3loBinary.Run("config", "set", _store.Ref("locked"), "immutable=true");
        Assert.That(config.ExitCode, Is.EqualTo(0), config.ToString);
        _served = ServedBucket.Start(_store.Url, "--allow-push");
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
    public async Task PostThenPutWithTheBlobStoresIt()
    {
        var blob = NewBlob(5_000);
        using var post = await _http.PostAsync("/v2/conf/blobs/uploads/", null);
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var id = post.Headers.GetValues("Docker-Upload-UUID").Single();
        Assert.That(post.Headers.Location!.OriginalString, Is.EqualTo($"/v2/conf/blobs/uploads/{id}"));
        Assert.That(post.Headers.GetValues("Range").Single(), Is.EqualTo("0-0"));

        using var put = await _http.PutAsync($"{post.Headers.Location}?digest={Digest(blob)}", Octets(blob));
        AssertBlobCreated(put, "conf", blob);
        using var get = await _http.GetAsync($"/v2/conf/blobs/{Digest(blob)}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(blob));
        Assert.That(Sessions(), Does.Not.Contain(id), "the finished session is gone");
    }

    [Test]
    public async Task PostWithDigestAndBodyStoresTheBlobInOneRequest()
    {
        var blob = NewBlob(3_000);
        using var post = await _http.PostAsync($"/v2/conf/blobs/uploads/?digest={Digest(blob)}", Octets(blob));
        AssertBlobCreated(post, "conf", blob);
    }

    [Test]
    public async Task StreamedPatchThenEmptyPutStoresTheBlob()
    {
        var blob = NewBlob(700_000);
        var location = await StartAsync("conf");
        // docker's way: one PATCH of the whole layer with chunked transfer encoding (no Content-Length)
        using var streamed = new StreamContent(new MemoryStream(blob));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = streamed })
        {
            request.Headers.TransferEncodingChunked = true;
            using var patch = await _http.SendAsync(request);
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await patch.Content.ReadAsStringAsync());
            Assert.That(patch.Headers.GetValues("Range").Single(), Is.EqualTo($"0-{blob.Length - 1}"));
            Assert.That(patch.Headers.Location!.OriginalString, Is.EqualTo(location));
        }
        using var put = await _http.PutAsync($"{location}?digest={Digest(blob)}", null);
        AssertBlobCreated(put, "conf", blob);
        Assert.That(Sessions(), Does.Not.Contain(location[(location.LastIndexOf('/') + 1)..]), "the finished session is gone");
    }

    [Test]
    public async Task ChunkedPatchThenPutWithTheLastChunkStoresTheBlob()
    {
        var blob = NewBlob(10_000);
        var location = await StartAsync("conf");
        using (var patch = await _http.PatchAsync(location, Octets(blob, 0, 6_000, withRange: true)))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(patch.Headers.GetValues("Range").Single(), Is.EqualTo("0-5999"));
        }
        using var put = await _http.PutAsync($"{location}?digest={Digest(blob)}", Octets(blob, 6_000, 4_000, withRange: true));
        AssertBlobCreated(put, "conf", blob);
    }

    [Test]
    public async Task OutOfOrderChunkIs416WithTheRangeHeld()
    {
        var blob = NewBlob(10_000);
        var location = await StartAsync("conf");
        using (var early = await _http.PatchAsync(location, Octets(blob, 6_000, 4_000, withRange: true)))
        {
            await AssertErrorAsync(early, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
            Assert.That(early.Headers.GetValues("Range").Single(), Is.EqualTo("0-0"));
            Assert.That(early.Headers.Location!.OriginalString, Is.EqualTo(location));
        }
        using (var first = await _http.PatchAsync(location, Octets(blob, 0, 6_000, withRange: true)))
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using (var again = await _http.PatchAsync(location, Octets(blob, 0, 6_000, withRange: true)))
        {
            await AssertErrorAsync(again, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
            Assert.That(again.Headers.GetValues("Range").Single(), Is.EqualTo("0-5999"), "a repeated chunk is refused, the session unchanged");
        }
        using var put = await _http.PutAsync($"{location}?digest={Digest(blob)}", Octets(blob, 6_000, 4_000, withRange: true));
        AssertBlobCreated(put, "conf", blob);
    }

    [Test]
    public async Task UploadStatusReportsTheRangeReceived()
    {
        var blob = NewBlob(4_000);
        var location = await StartAsync("conf");
        using (var empty = await _http.GetAsync(location))
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(empty.Headers.GetValues("Range").Single(), Is.EqualTo("0-0"));
        }
        using (var patch = await _http.PatchAsync(location, Octets(blob, 0, 1_500, withRange: false))) Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using var status = await _http.GetAsync(location);
        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(status.Headers.GetValues("Range").Single(), Is.EqualTo("0-1499"));
        Assert.That(status.Headers.GetValues("Docker-Upload-UUID").Single(), Is.EqualTo(location[(location.LastIndexOf('/') + 1)..]));
        Assert.That(status.Headers.Location!.OriginalString, Is.EqualTo(location));
    }

    [Test]
    public async Task CancelledUploadIsGoneWithItsChunks()
    {
        var blob = NewBlob(4_000);
        var location = await StartAsync("conf");
        var id = location[(location.LastIndexOf('/') + 1)..];
        using (var patch = await _http.PatchAsync(location, Octets(blob, 0, 2_000, withRange: false))) Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Sessions(), Does.Contain(id));
        using (var delete = await _http.DeleteAsync(location)) Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using (var status = await _http.GetAsync(location)) await AssertErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var put = await _http.PutAsync($"{location}?digest={Digest(blob)}", Octets(blob, 2_000, 2_000, withRange: false)))
            await AssertErrorAsync(put, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.That(Sessions(), Does.Not.Contain(id));
        Assert.That(File.Exists(BlobFile(Digest(blob))), Is.False);
    }

    [Test]
    public async Task MountIsCreatedForAPresentBlobAndASessionForAnAbsentOne()
    {
        var blob = await UploadAsync("mount/from", NewBlob(2_000));
        using (var mounted = await _http.PostAsync($"/v2/mount/to/blobs/uploads/?mount={Digest(blob)}&from=mount/from", null))
        {
            Assert.That(mounted.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(mounted.Headers.Location!.OriginalString, Is.EqualTo($"/v2/mount/to/blobs/{Digest(blob)}"));
            Assert.That(mounted.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(Digest(blob)));
        }
        var absent = Digest(NewBlob(10));
        using var session = await _http.PostAsync($"/v2/mount/to/blobs/uploads/?mount={absent}&from=mount/from", null);
        Assert.That(session.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(session.Headers.Location!.OriginalString, Does.StartWith("/v2/mount/to/blobs/uploads/"));
    }

    [Test]
    public async Task ManifestByDigestIsABlobAndByTagIsTheTag()
    {
        var manifest = await ImageManifestAsync("images/app", layers: 2);
        var digest = Digest(manifest);
        using (var byDigest = await PutManifestAsync("images/app", digest, manifest))
        {
            Assert.That(byDigest.StatusCode, Is.EqualTo(HttpStatusCode.Created), await byDigest.Content.ReadAsStringAsync());
            Assert.That(byDigest.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(digest));
            Assert.That(byDigest.Headers.Location!.OriginalString, Is.EqualTo($"/v2/images/app/manifests/{digest}"));
        }
        Assert.That(File.ReadAllBytes(BlobFile(digest)), Is.EqualTo(manifest), "by digest: stored as a blob");
        Assert.That(File.Exists(TagFile("images/app", digest)), Is.False);

        using (var byTag = await PutManifestAsync("images/app", "v1", manifest))
        {
            Assert.That(byTag.StatusCode, Is.EqualTo(HttpStatusCode.Created), await byTag.Content.ReadAsStringAsync());
            Assert.That(byTag.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(digest));
        }
        Assert.That(File.ReadAllBytes(TagFile("images/app", "v1")), Is.EqualTo(manifest), "by tag: the tag's manifest.json, byte-exact");
        var history = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_store.Root, "manifests", "images", "app", "v1", "history.json"))).RootElement;
        Assert.That(history.GetArrayLength(), Is.EqualTo(1));
        Assert.That(history[0].GetProperty("digest").GetString(), Is.EqualTo(digest));
        Assert.That(history[0].GetProperty("command").GetString(), Is.EqualTo("serve"));

        using var get = await _http.GetAsync($"/v2/images/app/manifests/{digest}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(manifest));
        var list = S3loBinary.Run("list", _store.Url + "images/app");
        Assert.That(list.StdoutLines, Is.EqualTo(new[] { "images/app:v1" }), list.ToString);
    }

    [Test]
    public async Task ManifestNamingAMissingBlobIsManifestBlobUnknown()
    {
        var config = await UploadAsync("missing/app", Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""));
        var absent = NewBlob(100);
        var manifest = Manifest(config, [absent]);
        using var put = await PutManifestAsync("missing/app", "1", manifest);
        var message = await AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        Assert.That(message, Does.Contain(Digest(absent)));
        Assert.That(File.Exists(TagFile("missing/app", "1")), Is.False, "no tag was written");

        var index = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{Digest(manifest)}}","size":{{manifest.Length}}}]}""");
        using var putIndex = await PutManifestAsync("missing/app", "2", index, "application/vnd.oci.image.index.v1+json");
        await AssertErrorAsync(putIndex, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        Assert.That(File.Exists(TagFile("missing/app", "2")), Is.False);
    }

    [Test]
    public async Task WrongDigestIsDigestInvalidAndStoresNothing()
    {
        var blob = NewBlob(6_000);
        var claimed = Digest(NewBlob(6_000));

        using (var monolithic = await _http.PostAsync($"/v2/conf/blobs/uploads/?digest={claimed}", Octets(blob)))
            await AssertErrorAsync(monolithic, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        var location = await StartAsync("conf");
        using (var patch = await _http.PatchAsync(location, Octets(blob, 0, 4_000, withRange: false))) Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using (var put = await _http.PutAsync($"{location}?digest={claimed}", Octets(blob, 4_000, 2_000, withRange: false)))
            await AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        Assert.That(File.Exists(BlobFile(claimed)), Is.False, "nothing at the claimed digest's key");
        Assert.That(File.Exists(BlobFile(Digest(blob))), Is.False, "nor at the real one");
        Assert.That(Sessions(), Does.Not.Contain(location[(location.LastIndexOf('/') + 1)..]), "the failed session is gone");

        var manifest = await ImageManifestAsync("conf", layers: 1);
        using var byWrongDigest = await PutManifestAsync("conf", claimed, manifest);
        await AssertErrorAsync(byWrongDigest, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.That(File.Exists(BlobFile(Digest(manifest))), Is.False);
    }

    [Test]
    public async Task UnknownOrForeignSessionIsBlobUploadUnknown()
    {
        using (var malformed = await _http.PatchAsync("/v2/conf/blobs/uploads/not-a-session", Octets(NewBlob(10))))
            await AssertErrorAsync(malformed, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var unknown = await _http.GetAsync($"/v2/conf/blobs/uploads/{new string('a', 32)}"))
            await AssertErrorAsync(unknown, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        var location = await StartAsync("conf");
        using var foreign = await _http.GetAsync(location.Replace("/v2/conf/", "/v2/other/", StringComparison.Ordinal));
        await AssertErrorAsync(foreign, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Test]
    public async Task ImmutableTagIsDeniedAndUnchanged()
    {
        var first = await ImageManifestAsync("locked", layers: 1);
        var second = await ImageManifestAsync("locked", layers: 1);
        using (var put = await PutManifestAsync("locked", "1", first)) Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var history = File.ReadAllBytes(Path.Combine(_store.Root, "manifests", "locked", "1", "history.json"));

        using (var refused = await PutManifestAsync("locked", "1", second))
        {
            var message = await AssertErrorAsync(refused, HttpStatusCode.Forbidden, "DENIED");
            Assert.That(message, Is.EqualTo($"locked:1 is immutable and holds {Digest(first)}; it was not moved"));
        }
        Assert.That(File.ReadAllBytes(TagFile("locked", "1")), Is.EqualTo(first), "the tag did not move");
        Assert.That(File.ReadAllBytes(Path.Combine(_store.Root, "manifests", "locked", "1", "history.json")), Is.EqualTo(history), "history untouched");

        using (var same = await PutManifestAsync("locked", "1", first)) Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the same image again is fine");
        using (var other = await PutManifestAsync("locked", "2", second)) Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Created), "a new tag is fine");
    }

    [Test]
    public async Task ManifestWithASubjectIsIndexedAsAReferrer()
    {
        var subject = await ImageManifestAsync("refs/app", layers: 1);
        using (var put = await PutManifestAsync("refs/app", "1", subject)) Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var empty = await UploadAsync("refs/app", "{}"u8.ToArray());
        var signature = await UploadAsync("refs/app", NewBlob(50));
        var referrer = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sig","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{Digest(empty)}}}","size":2},"layers":[{"mediaType":"application/octet-stream","digest":"{{{Digest(signature)}}}","size":50}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest(subject)}}}","size":{{{subject.Length}}}},"annotations":{"org.example.signed-by":"tests"}}""");

        using var pushed = await PutManifestAsync("refs/app", Digest(referrer), referrer);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.Created), await pushed.Content.ReadAsStringAsync());
        Assert.That(pushed.Headers.GetValues("OCI-Subject").Single(), Is.EqualTo(Digest(subject)));
        var record = Path.Combine(_store.Root, "s3lo-index", "referrers", "sha256", Hex(subject), Hex(referrer));
        using var descriptor = JsonDocument.Parse(File.ReadAllBytes(record));
        var root = descriptor.RootElement;
        Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.oci.image.manifest.v1+json"));
        Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(Digest(referrer)));
        Assert.That(root.GetProperty("size").GetInt64(), Is.EqualTo(referrer.Length));
        Assert.That(root.GetProperty("artifactType").GetString(), Is.EqualTo("application/vnd.example.sig"));
        Assert.That(root.GetProperty("annotations").GetProperty("org.example.signed-by").GetString(), Is.EqualTo("tests"));

        // and a client finds it the OCI 1.1 way, then fetches exactly the bytes it pushed
        using var referrers = await _http.GetAsync($"/v2/refs/app/referrers/{Digest(subject)}");
        Assert.That(referrers.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(referrers.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.oci.image.index.v1+json"));
        using var index = JsonDocument.Parse(await referrers.Content.ReadAsByteArrayAsync());
        var listed = index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()).ToArray();
        Assert.That(listed, Is.EqualTo(new[] { Digest(referrer) }));
        using var fetched = await _http.GetAsync($"/v2/refs/app/manifests/{Digest(referrer)}");
        Assert.That(await fetched.Content.ReadAsByteArrayAsync(), Is.EqualTo(referrer));
    }

    private async Task<string> StartAsync(string name)
    {
        using var post = await _http.PostAsync($"/v2/{name}/blobs/uploads/", null);
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return post.Headers.Location!.OriginalString;
    }

    private async Task<byte[]> UploadAsync(string name, byte[] blob)
    {
        using var post = await _http.PostAsync($"/v2/{name}/blobs/uploads/?digest={Digest(blob)}", Octets(blob));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Created), await post.Content.ReadAsStringAsync());
        return blob;
    }

    /// <summary>A fresh config and <paramref name="layers"/> fresh layers uploaded; returns the manifest naming them (not pushed).</summary>
    private async Task<byte[]> ImageManifestAsync(string name, int layers)
    {
        var uploaded = new List<byte[]>();
        for (var i = 0; i < layers; i++) uploaded.Add(await UploadAsync(name, NewBlob(1_000 + i)));
        var config = await UploadAsync(name, Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"run":"{{{Guid.NewGuid():N}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}"""));
        return Manifest(config, uploaded);
    }

    private static byte[] Manifest(byte[] config, IEnumerable<byte[]> layers)
    {
        var entries = string.Join(",", layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{Digest(l)}}","size":{{l.Length}}}"""));
        return Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest(config)}}","size":{{config.Length}}},"layers":[{{entries}}]}""");
    }

    private async Task<HttpResponseMessage> PutManifestAsync(string name, string reference, byte[] manifest,
        string mediaType = "application/vnd.oci.image.manifest.v1+json")
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await _http.PutAsync($"/v2/{name}/manifests/{reference}", content);
    }

    private void AssertBlobCreated(HttpResponseMessage response, string name, byte[] blob)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), () => response.Content.ReadAsStringAsync().Result);
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo($"/v2/{name}/blobs/{Digest(blob)}"));
        Assert.That(response.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(Digest(blob)));
        Assert.That(File.ReadAllBytes(BlobFile(Digest(blob))), Is.EqualTo(blob), "the blob file holds exactly the upload");
    }

    /// <returns>The error message.</returns>
    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code), text);
        return error.GetProperty("message").GetString()!;
    }

    /// <summary>The IDs of the upload sessions in the store.</summary>
    private List<string> Sessions()
    {
        var root = Path.Combine(_store.Root, "s3lo-uploads");
        return Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root).Where(d => Directory.EnumerateFiles(d).Any()).Select(Path.GetFileName).OfType<string>()]
            : [];
    }

    private string BlobFile(string digest) => Path.Combine(_store.Root, "blobs", "sha256", digest["sha256:".Length..]);

    private string TagFile(string name, string tag) => Path.Combine(_store.Root, "manifests", name, tag, "manifest.json");

    private static byte[] NewBlob(int length) => RandomNumberGenerator.GetBytes(length);

    private static string Hex(byte[] bytes) => StoreChecker.Sha256Hex(bytes);

    private static string Digest(byte[] bytes) => "sha256:" + Hex(bytes);

    private static ByteArrayContent Octets(byte[] blob) => Octets(blob, 0, blob.Length, withRange: false);

    private static ByteArrayContent Octets(byte[] blob, int offset, int length, bool withRange)
    {
        var content = new ByteArrayContent(blob, offset, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (withRange) content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        return content;
    }
}
