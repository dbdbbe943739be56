namespace S3lo.Trivy;

/// <summary>The trivy flags s3lo passes through for mirrors and air-gapped hosts.</summary>
public sealed record TrivyDatabaseOptions
{
    /// <summary><c>--skip-db-update</c>: use the vulnerability database already in the cache.</summary>
    public bool SkipDbUpdate { get; init; }

    /// <summary><c>--offline-scan</c>: no network calls during the scan itself.</summary>
    public bool OfflineScan { get; init; }

    /// <summary><c>--cache-dir DIR</c>: where trivy keeps its database (a pre-filled one on air-gapped hosts).</summary>
    public string? CacheDir { get; init; }

    public IReadOnlyList<string> ToArguments()
    {
        var arguments = new List<string>();
        if (SkipDbUpdate) arguments.Add("--skip-db-update");
        if (OfflineScan) arguments.Add("--offline-scan");
        if (CacheDir is not null) arguments.AddRange(["--cache-dir", CacheDir]);
        return arguments;
    }
}
