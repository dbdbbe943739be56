using System.Runtime.InteropServices;

namespace S3lo.Trivy;

/// <summary>
/// Where a Trivy release is downloaded from, named as Trivy's GitHub releases name their files:
/// <c>{mirror}/v{V}/trivy_{V}_Linux-64bit.tar.gz</c> and <c>{mirror}/v{V}/trivy_{V}_checksums.txt</c>.
/// </summary>
public sealed record TrivyRelease(string Version, string Mirror, string AssetSuffix)
{
    /// <summary>The version s3lo installs unless <c>S3LO_TRIVY_VERSION</c> says otherwise.</summary>
    public const string DefaultVersion = "0.58.1";

    public const string DefaultMirror = "https://github.com/aquasecurity/trivy/releases/download";
    public const string VersionVariable = "S3LO_TRIVY_VERSION";
    public const string MirrorVariable = "S3LO_TRIVY_MIRROR";

    public bool IsZip => AssetSuffix.EndsWith(".zip", StringComparison.Ordinal);

    /// <summary><c>trivy_0.58.1_Linux-64bit.tar.gz</c>: the name the checksums file lists.</summary>
    public string ArchiveName => $"trivy_{Version}_{AssetSuffix}";

    public string ChecksumsName => $"trivy_{Version}_checksums.txt";

    public string ArchiveUrl => $"{Mirror.TrimEnd('/')}/v{Version}/{ArchiveName}";

    public string ChecksumsUrl => $"{Mirror.TrimEnd('/')}/v{Version}/{ChecksumsName}";

    /// <summary>The executable's name inside the archive.</summary>
    public string EntryName => IsZip ? "trivy.exe" : "trivy";

    /// <summary>This machine's release, with the version and mirror from the environment when set.</summary>
    public static TrivyRelease ForThisMachine(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var version = NonEmpty(environment(VersionVariable))?.TrimStart('v') ?? DefaultVersion;
        var mirror = NonEmpty(environment(MirrorVariable)) ?? DefaultMirror;
        return new TrivyRelease(version, mirror, AssetSuffixFor(RuntimeInformation.OSArchitecture));
    }

    /// <summary>Trivy's spelling of this OS and architecture (Linux-64bit, macOS-ARM64, windows-64bit.zip).</summary>
    public static string AssetSuffixFor(Architecture architecture)
    {
        var arch = architecture switch
        {
            Architecture.X64 => "64bit",
            Architecture.Arm64 => "ARM64",
            _ => throw new TrivyException($"Trivy publishes no release for {architecture} processors",
                "install trivy yourself and pass --trivy PATH"),
        };
        if (OperatingSystem.IsLinux()) return $"Linux-{arch}.tar.gz";
        if (OperatingSystem.IsMacOS()) return $"macOS-{arch}.tar.gz";
        if (OperatingSystem.IsWindows() && architecture == Architecture.X64) return "windows-64bit.zip";
        throw new TrivyException($"Trivy publishes no release for {RuntimeInformation.OSDescription} {architecture}",
            "install trivy yourself and pass --trivy PATH");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
