using System.Text.Json;
using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>
/// One entry of a referrers list: the descriptor of a manifest whose subject is the digest asked about,
/// with its artifact type and annotations (as the push half stores it under <c>s3lo-index/referrers/</c>).
/// </summary>
public sealed record ReferrerDescriptor(string MediaType, Digest Digest, long Size, string? ArtifactType, IReadOnlyList<KeyValuePair<string, string>> Annotations)
{
    /// <summary>
    /// The descriptor stored for <paramref name="expected"/>; null when the object is not one (bad JSON, a missing
    /// field, or a digest other than its key names): a damaged index entry is left out, it does not fail the list.
    /// </summary>
    public static ReferrerDescriptor? TryParse(ReadOnlySpan<byte> json, Digest expected)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("mediaType", out var mediaType) || mediaType.ValueKind != JsonValueKind.String || mediaType.GetString() is not { Length: > 0 } type)
                return null;
            if (!root.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String || !Digest.TryParse(digest.GetString(), out var parsed) || parsed != expected)
                return null;
            if (!root.TryGetProperty("size", out var size) || !size.TryGetInt64(out var bytes) || bytes < 0) return null;
            string? artifactType = null;
            if (root.TryGetProperty("artifactType", out var artifact))
            {
                if (artifact.ValueKind == JsonValueKind.String) artifactType = artifact.GetString();
                else if (artifact.ValueKind != JsonValueKind.Null) return null;
            }
            var annotations = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("annotations", out var notes) && notes.ValueKind != JsonValueKind.Null)
            {
                if (notes.ValueKind != JsonValueKind.Object) return null;
                foreach (var note in notes.EnumerateObject())
                {
                    if (note.Value.ValueKind != JsonValueKind.String) return null;
                    annotations.Add(new(note.Name, note.Value.GetString()!));
                }
            }
            return new ReferrerDescriptor(type, parsed, bytes, artifactType, annotations);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", MediaType);
        writer.WriteString("digest", Digest.ToString());
        writer.WriteNumber("size", Size);
        if (ArtifactType is not null) writer.WriteString("artifactType", ArtifactType);
        if (Annotations.Count > 0)
        {
            writer.WriteStartObject("annotations");
            foreach (var (key, value) in Annotations) writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
