using Cocona;
using S3lo.Trivy;

namespace S3lo.Cli.Commands;

/// <summary>The flags scan and sbom share: which trivy to run, whether to install it, and trivy's database flags passed through.</summary>
public sealed class TrivyFlags : ICommandParameterSet
{
    [Option("trivy", Description = "the trivy executable to run (default: $S3LO_TRIVY, trivy on PATH, ~/.local/bin/trivy)", ValueName = "PATH")]
    [HasDefaultValue]
    public string? TrivyPath { get; set; }

    [Option("install-trivy", Description = "install trivy to ~/.local/bin without asking when it is not found")]
    [HasDefaultValue]
    public bool InstallTrivy { get; set; }

    [Option("skip-db-update", Description = "trivy: use the vulnerability database already cached")]
    [HasDefaultValue]
    public bool SkipDbUpdate { get; set; }

    [Option("offline-scan", Description = "trivy: make no network calls while scanning")]
    [HasDefaultValue]
    public bool OfflineScan { get; set; }

    [Option("cache-dir", Description = "trivy: its cache directory (a pre-filled database on air-gapped hosts)", ValueName = "DIR")]
    [HasDefaultValue]
    public string? CacheDir { get; set; }

    public TrivyDatabaseOptions Database => new() { SkipDbUpdate = SkipDbUpdate, OfflineScan = OfflineScan, CacheDir = CacheDir };
}
