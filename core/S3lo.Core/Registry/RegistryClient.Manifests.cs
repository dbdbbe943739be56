using System.Net;
using System.Net.Http.Headers;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Registry;

public sealed partial class RegistryClient
{
    private static readonly string[] ManifestMediaTypes =
        [MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest];

    private const int MaxTagPages = 10_000;

    /// <summary>
    /// A manifest or index by tag or digest, byte-exact (at most 4 MiB). Fetched by digest, its
    /// bytes must hash to it; a sha256 Docker-Content-Digest must match them too. Either mismatch
    /// is a <see cref="DigestMismatchException"/> naming both digests.
    /// </summary>
    /// <param name="mediaTypeHint">The descriptor's media type, used when neither the document nor Content-Type names one.</param>
    public async Task<ManifestBlob> GetManifestAsync(string repository, string reference, CancellationToken ct, string? mediaTypeHint = null)
    {
        CheckRepository(repository);
        var expected = CheckReference(reference);
        var what = $"manifest {Describe(repository, reference)}";
        using var response = await SendAsync(HttpMethod.Get, $"v2/{repository}/manifests/{reference}", [RegistryRequestOptions.Pull(repository)],
            AcceptManifests, followRedirects: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new NotFoundException($"{Describe(repository, reference)} not found", "check the name and the tag (or digest)");
            throw await RegistryHttp.ErrorAsync(response, $"GET {what}", Registry, ct).ConfigureAwait(false);
        }
        var bytes = await RegistryHttp.ReadCappedAsync(response.Content, OciJson.MaxDocumentBytes, what, ct).ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var hint = contentType is not null && contentType.StartsWith("application/vnd.", StringComparison.Ordinal) ? contentType : mediaTypeHint;
        var manifest = ManifestBlob.Parse(bytes, what, hint);
        if (expected is { } wanted && manifest.Digest != wanted)
            throw new DigestMismatchException($"{what} served by {Registry}", wanted.ToString(), manifest.Digest.ToString());
        if (RegistryHttp.ContentDigest(response) is { } announced && announced != manifest.Digest)
            throw new DigestMismatchException($"{what} (Docker-Content-Digest sent by {Registry})", announced.ToString(), manifest.Digest.ToString());
        return manifest;
    }

    /// <summary>Digest, media type and size of a manifest without its body; null when there is none.</summary>
    /// <param name="forPush">Ask for a pull,push token up front (a destination), so one token serves the whole push.</param>
    public async Task<RegistryManifestInfo?> HeadManifestAsync(string repository, string reference, CancellationToken ct, bool forPush = false)
    {
        CheckRepository(repository);
        CheckReference(reference);
        using var response = await SendAsync(HttpMethod.Head, $"v2/{repository}/manifests/{reference}", [Access(repository, forPush)],
            AcceptManifests, followRedirects: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryHttp.ErrorAsync(response, $"HEAD manifest {Describe(repository, reference)}", Registry, ct).ConfigureAwait(false);
        return new RegistryManifestInfo(RegistryHttp.ContentDigest(response), response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.ContentLength);
    }

    /// <summary>
    /// Stores a manifest under a tag or its digest with its exact bytes and media type. Needs push
    /// access. Returns the digest; a registry announcing another one is a <see cref="DigestMismatchException"/>.
    /// </summary>
    public async Task<Digest> PutManifestAsync(string repository, string reference, ManifestBlob manifest, CancellationToken ct)
    {
        CheckRepository(repository);
        CheckReference(reference);
        var target = Describe(repository, reference);
        using var response = await SendAsync(HttpMethod.Put, $"v2/{repository}/manifests/{reference}", [RegistryRequestOptions.PullPush(repository)],
            request =>
            {
                var content = new ByteArrayContent(manifest.Bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
                request.Content = content;
            }, followRedirects: false, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RegistryHttp.ErrorAsync(response, $"PUT manifest {target}", Registry, ct).ConfigureAwait(false);
        if (RegistryHttp.ContentDigest(response) is { } stored && stored != manifest.Digest)
            throw new DigestMismatchException($"manifest stored at {target} (Docker-Content-Digest)", manifest.Digest.ToString(), stored.ToString());
        return manifest.Digest;
    }

    /// <summary>Every tag of a repository (following Link pagination on the registry's host).</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken ct)
    {
        CheckRepository(repository);
        var root = await BaseAsync(ct).ConfigureAwait(false);
        var tags = new List<string>();
        var next = new Uri(root, $"v2/{repository}/tags/list");
        for (var page = 0; next is not null && page < MaxTagPages; page++)
        {
            using var response = await SendToAsync(HttpMethod.Get, next, [RegistryRequestOptions.Pull(repository)], null, followRedirects: true, ct)
                .ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new NotFoundException($"repository {Registry}/{repository} not found");
            if (!response.IsSuccessStatusCode)
                throw await RegistryHttp.ErrorAsync(response, $"list tags of {Registry}/{repository}", Registry, ct).ConfigureAwait(false);
            var body = await RegistryHttp.ReadCappedAsync(response.Content, RegistryJson.MaxDocumentBytes, "tag list", ct).ConfigureAwait(false);
            var list = RegistryJson.ParseTags(body, $"the tag list of {Registry}/{repository}");
            tags.AddRange((list.Tags ?? []).Where(t => t is not null)!);
            next = NextPage(response, next, root);
        }
        return tags;
    }

    private static Uri? NextPage(HttpResponseMessage response, Uri current, Uri root)
    {
        if (!response.Headers.NonValidated.TryGetValues("Link", out var values)) return null;
        foreach (var value in values)
        {
            foreach (var part in value.Split(','))
            {
                var open = part.IndexOf('<', StringComparison.Ordinal);
                var close = part.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close <= open || !part[close..].Contains("rel=\"next\"", StringComparison.Ordinal)) continue;
                if (!Uri.TryCreate(current, part[(open + 1)..close], out var next)) continue;
                return RegistryHttp.SameOrigin(next, root) ? next : null;
            }
        }
        return null;
    }

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var mediaType in ManifestMediaTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        // A manifest is small: read whole inside the retry, so one stalled or cut mid-body is fetched again.
        request.Options.Set(RegistryRequestOptions.BufferAnswer, true);
    }
}
