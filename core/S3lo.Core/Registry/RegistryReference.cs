using System.Net;
using System.Text.RegularExpressions;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Registry;

/// <summary>
/// An image in an OCI registry, normalised the way docker does it: <c>alpine</c> is
/// <c>docker.io/library/alpine:latest</c>, <c>user/app:1</c> is <c>docker.io/user/app:1</c>, and the
/// first path component is a registry host when it contains '.' or ':', is <c>localhost</c>, or has
/// upper-case letters. <c>NAME:TAG@sha256:…</c> keeps both; the digest is what gets fetched.
/// </summary>
public sealed partial record RegistryReference
{
    public const string DockerHub = "docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";
    public const string DefaultTag = "latest";
    public const string DockerPrefix = "docker://";
    private const int MaxNameLength = 255;

    private RegistryReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry as users name it: <c>docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>, <c>[::1]:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/alpine</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag; <c>latest</c> when the text named neither a tag nor a digest.</summary>
    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>What the registry API is asked for: the digest when there is one, else the tag.</summary>
    public string Reference => Digest?.ToString() ?? Tag!;

    /// <summary>The host[:port] the Distribution API is served on (<c>registry-1.docker.io</c> for Docker Hub).</summary>
    public string ApiHost => IsDockerHub ? DockerHubApiHost : Registry;

    public bool IsDockerHub => Registry == DockerHub;

    /// <summary>True for localhost, 127.0.0.0/8 and ::1: the only hosts spoken to over plain HTTP without --insecure.</summary>
    public bool IsLoopback => IsLoopbackHost(Registry);

    /// <summary>The same repository under another tag.</summary>
    public RegistryReference WithTag(string tag)
    {
        if (!ReferenceGrammar.IsTag(tag)) throw BadTag(tag, tag);
        return new RegistryReference(Registry, Repository, tag, null);
    }

    /// <summary>The same repository at a digest (the tag is dropped).</summary>
    public RegistryReference WithDigest(Digest digest) => new(Registry, Repository, null, digest);

    /// <summary>Another repository on the same registry (for cross-repository mounts and tests).</summary>
    public RegistryReference WithRepository(string repository)
    {
        ValidateRepository(repository, repository);
        return new RegistryReference(Registry, repository, Tag, Digest);
    }

    /// <summary><c>registry/repository[:tag][@digest]</c>, parseable again to the same reference.</summary>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is not null ? ":" + Tag : "")}{(Digest is { } d ? "@" + d : "")}";

    /// <summary>Parses and normalises; anything malformed is a <see cref="UsageException"/> raised before any I/O.</summary>
    public static RegistryReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var original = text;
        if (text.StartsWith(DockerPrefix, StringComparison.Ordinal)) text = text[DockerPrefix.Length..];
        if (text.Length == 0)
            throw new UsageException("registry reference is empty", "write [REGISTRY/]NAME[:TAG|@sha256:DIGEST], e.g. docker.io/library/alpine:3.20");
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new UsageException($"registry reference '{Show(original)}' contains whitespace or a control character",
                    "references never contain spaces, tabs or newlines; check how the argument is quoted");
        }
        if (text.Contains("://", StringComparison.Ordinal))
            throw new UsageException($"registry reference '{Show(original)}' has a URL scheme",
                "write it without http:// or https:// (e.g. ghcr.io/org/app:1); plain HTTP is chosen by --insecure or a loopback host");

        string? digestText = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digestText = text[(at + 1)..];
            text = text[..at];
        }

        string? tag = null;
        var lastSlash = text.LastIndexOf('/');
        var colon = text.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (tag.Length == 0)
                throw new UsageException($"registry reference '{Show(original)}' has an empty tag after ':'", $"write {Show(text)}:TAG");
            if (!ReferenceGrammar.IsTag(tag)) throw BadTag(original, tag);
        }

        Digest? digest = null;
        if (digestText is not null)
        {
            if (!Digests.Digest.TryParse(digestText, out var parsed))
            {
                var otherAlgorithm = digestText.IndexOf(':', StringComparison.Ordinal) > 0 && !digestText.StartsWith(Digests.Digest.Sha256Prefix, StringComparison.Ordinal);
                throw new UsageException(
                    otherAlgorithm
                        ? $"unsupported digest '{Show(digestText)}' in registry reference '{Show(original)}': only sha256 digests are supported"
                        : $"invalid digest '{Show(digestText)}' in registry reference '{Show(original)}'",
                    "a digest is sha256: followed by 64 lowercase hex digits");
            }
            digest = parsed;
        }

        if (text.Length == 0)
            throw new UsageException($"registry reference '{Show(original)}' names no image", "write [REGISTRY/]NAME[:TAG], e.g. alpine:3.20");
        if (AnchoredHexRegex().IsMatch(text))
            throw new UsageException($"registry reference '{Show(original)}' is a 64-digit hex string, which cannot be an image name",
                $"to name an image by digest write NAME@sha256:{Show(text)}");

        var (registry, repository) = SplitRegistry(text);
        if (registry.Length == 0 || !DomainRegex().IsMatch(registry))
            throw new UsageException($"invalid registry host '{Show(registry)}' in reference '{Show(original)}'",
                "a registry is a host name or IP address with an optional :PORT, e.g. ghcr.io or 127.0.0.1:5000");
        if (HostProblem(registry) is { } problem)
            throw new UsageException($"invalid registry host '{Show(registry)}' in reference '{Show(original)}': {problem}",
                "a registry is a host name or IP address with an optional :PORT, e.g. ghcr.io or 127.0.0.1:5000");
        if (registry == "index.docker.io") registry = DockerHub;
        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal)) repository = "library/" + repository;
        ValidateRepository(original, repository);
        if (registry.Length + 1 + repository.Length > MaxNameLength)
            throw new UsageException($"image name in registry reference '{Show(original)}' is longer than {MaxNameLength} characters", "use a shorter name");

        if (tag is null && digest is null) tag = DefaultTag;
        return new RegistryReference(registry, repository, tag, digest);
    }

    /// <summary>Like <see cref="Parse"/>, without the exception.</summary>
    public static bool TryParse(string text, out RegistryReference? reference)
    {
        try
        {
            reference = Parse(text);
            return true;
        }
        catch (UsageException)
        {
            reference = null;
            return false;
        }
    }

    // What the pattern cannot say: a port is 1-65535, and a bracketed host must be an IPv6 address.
    private static string? HostProblem(string registry)
    {
        var close = registry.StartsWith('[') ? registry.IndexOf(']', StringComparison.Ordinal) : -1;
        if (close > 0 && !(IPAddress.TryParse(registry[1..close], out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6))
            return $"'{Show(registry[1..close])}' is not an IPv6 address";
        var colon = registry.IndexOf(':', close + 1);
        if (colon < 0) return null;
        var port = int.Parse(registry.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        return port is >= 1 and <= 65535 ? null : $"port {port} is not between 1 and 65535";
    }

    /// <summary>localhost, 127.0.0.0/8 or ::1, with or without a port.</summary>
    public static bool IsLoopbackHost(string hostAndPort)
    {
        var host = HostWithoutPort(hostAndPort);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    private static string HostWithoutPort(string hostAndPort)
    {
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? hostAndPort[1..close] : hostAndPort;
        }
        var colon = hostAndPort.LastIndexOf(':');
        return colon >= 0 ? hostAndPort[..colon] : hostAndPort;
    }

    // docker's splitDockerDomain: the first component is a domain only when it looks like one.
    private static (string Registry, string Repository) SplitRegistry(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return (DockerHub, name);
        var first = name[..slash];
        var isDomain = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
            || first == "localhost" || !first.Equals(first.ToLowerInvariant(), StringComparison.Ordinal);
        return isDomain ? (first, name[(slash + 1)..]) : (DockerHub, name);
    }

    internal static void ValidateRepository(string original, string repository)
    {
        if (repository.Length == 0)
            throw new UsageException($"registry reference '{Show(original)}' names no repository after the registry host", "write REGISTRY/NAME[:TAG]");
        foreach (var component in repository.Split('/'))
        {
            if (component.Length == 0)
                throw new UsageException($"registry reference '{Show(original)}' has an empty path component", "remove the extra '/'");
            if (ReferenceGrammar.IsNameComponent(component)) continue;
            if (ReferenceGrammar.IsNameComponent(component.ToLowerInvariant()))
                throw new UsageException($"repository name '{Show(repository)}' in reference '{Show(original)}' must be lowercase",
                    $"write {Show(repository.ToLowerInvariant())}");
            throw new UsageException($"invalid repository name component '{Show(component)}' in reference '{Show(original)}'",
                "names are '/'-separated lowercase letters and digits, joined inside a component by '.', '_', '__' or '-'");
        }
    }

    private static UsageException BadTag(string original, string tag) =>
        new($"invalid tag '{Show(tag)}' in registry reference '{Show(original)}'",
            "tags are 1-128 letters, digits, '_', '.' and '-', and do not start with '.' or '-'");

    private static string Show(string text) => ReferenceErrors.Show(text);

    // distribution/reference: domain components, optional IPv6 literal, optional port.
    [GeneratedRegex(@"\A(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DomainRegex();

    [GeneratedRegex(@"\A[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AnchoredHexRegex();
}
