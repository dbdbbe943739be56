namespace S3lo.Core.Inspection;

/// <summary>What <c>inspect</c> reports about a tag or digest.</summary>
public sealed record ImageDetails
{
    public required string Reference { get; init; }
    public required string Digest { get; init; }
    public required string MediaType { get; init; }
    /// <summary>"index" or "single-arch".</summary>
    public required string Type { get; init; }
    public long ManifestSize { get; init; }
    /// <summary>When the tag's current digest was pushed (its newest history entry with that digest); null: unknown or by digest.</summary>
    public DateTimeOffset? PushedAt { get; init; }
    /// <summary><c>push</c> or <c>copy</c>, when the history records it.</summary>
    public string? PushedBy { get; init; }
    /// <summary>What the image came from, when the history records it.</summary>
    public string? Source { get; init; }
    public required IReadOnlyList<PlatformDetails> Platforms { get; init; }
    public required IReadOnlyList<AttestationDetails> Attestations { get; init; }
    /// <summary>The signature files beside the tag; null when inspected by digest (signatures live beside tags).</summary>
    public IReadOnlyList<SignatureDetails>? Signatures { get; init; }
}

public sealed record PlatformDetails
{
    public required string Platform { get; init; }
    public required string Digest { get; init; }
    public string? Os { get; init; }
    public string? Architecture { get; init; }
    public string? Variant { get; init; }
    public DateTimeOffset? Created { get; init; }
    public required string ConfigDigest { get; init; }
    public bool ConfigMissing { get; init; }
    public long TotalSize { get; init; }
    public required IReadOnlyList<LayerDetails> Layers { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? WorkingDir { get; init; }
}

public sealed record LayerDetails(string Digest, long Size, string MediaType);

/// <param name="For">The image manifest the attestation describes.</param>
public sealed record AttestationDetails(string Digest, string? For, long Size);
