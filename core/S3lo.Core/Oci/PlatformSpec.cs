using System.Runtime.InteropServices;
using S3lo.Core.Errors;

namespace S3lo.Core.Oci;

/// <summary>A platform the user asks for (<c>os/arch[/variant]</c>) and how it matches an index entry (README, pull).</summary>
public sealed record PlatformSpec(string Os, string Architecture, string? Variant)
{
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    public static PlatformSpec Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            throw new UsageException($"invalid platform '{text}'", "write it as os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8");
        return new PlatformSpec(parts[0], NormalizeArch(parts[1]), parts.Length == 3 ? parts[2] : null);
    }

    /// <summary>The platform of this machine's container images: darwin and windows hosts run linux images.</summary>
    public static PlatformSpec Host()
    {
        var arch = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.S390x => "s390x",
            System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
            System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
            System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
            var other => other.ToString().ToLowerInvariant(),
        };
        return new PlatformSpec("linux", arch, null);
    }

    /// <summary>
    /// os and arch must be equal; a variant asked for must match, where the default variant of an
    /// architecture (arm64 → v8, arm → v7) counts as given when the image omits it.
    /// </summary>
    public bool Matches(Platform platform)
    {
        if (!string.Equals(platform.Os, Os, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.Equals(NormalizeArch(platform.Architecture), Architecture, StringComparison.OrdinalIgnoreCase)) return false;
        if (Variant is null) return true;
        var have = platform.Variant ?? DefaultVariant(Architecture);
        return string.Equals(have, Variant, StringComparison.OrdinalIgnoreCase)
            || (have is null && Variant == DefaultVariant(Architecture));
    }

    private static string NormalizeArch(string arch) => arch.ToLowerInvariant() switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        var a => a,
    };

    private static string? DefaultVariant(string arch) => arch switch
    {
        "arm64" => "v8",
        "arm" => "v7",
        _ => null,
    };

    /// <summary>True for the unknown/unknown entries buildkit uses for attestations: never selected, always carried.</summary>
    public static bool IsAttestation(Descriptor descriptor) =>
        descriptor.Platform is { Os: "unknown", Architecture: "unknown" }
        || (descriptor.Annotations?.TryGetValue("vnd.docker.reference.type", out var t) == true && t == "attestation-manifest");
}
